#!/usr/bin/env python3
"""Cut Noto Sans CJK SC down to ASCII + GB2312 (+ CJK punctuation) for resources/fonts/.

Usage: python3 tools/make_cjk_subset.py /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
Needs fonttools (pip install fonttools). Debian's fonts-noto-cjk provides the source .ttc;
face 2 of that collection is Simplified Chinese. The same "is it GB2312" rule is used at run
time (src/fonts.rs) to decide which characters the bundled font can draw.
"""
import subprocess
import sys

def gb2312_chars():
    chars = set(chr(c) for c in range(0x20, 0x7F))
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars

def main():
    src = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else "resources/fonts/NotoSansSC-GB2312.otf"
    with open("/tmp/gb2312.txt", "w", encoding="utf-8") as f:
        f.write("".join(sorted(gb2312_chars())))
    subprocess.run([
        "pyftsubset", src, "--font-number=2", "--text-file=/tmp/gb2312.txt",
        f"--output-file={out}", "--no-hinting",
    ], check=True)

if __name__ == "__main__":
    main()
