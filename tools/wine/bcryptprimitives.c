/* For running NetDebug under Wine 8 only, never shipped: Rust's standard library takes its
 * random numbers from ProcessPrng in bcryptprimitives.dll (Windows 10 and later), which Wine 8
 * lacks. This stand-in, placed beside the .exe, answers from RtlGenRandom instead.
 * Built by tools/windows.sh: x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll … -ladvapi32 */
#include <windows.h>

BOOLEAN NTAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    return SystemFunction036(data, (ULONG)length);
}
