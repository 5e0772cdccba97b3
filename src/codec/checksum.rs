//! Checksums appended to a payload, as serial and network devices expect them.

use crc::{
    CRC_8_MAXIM_DOW, CRC_8_SMBUS, CRC_16_IBM_3740, CRC_16_MODBUS, CRC_16_XMODEM, CRC_32_ISO_HDLC,
    Crc, Table,
};

// Built at compile time: `Crc::new` computes its table, which would cost more than checking a
// short frame if it ran for each one.
const CRC16_MODBUS: Crc<u16, Table<16>> = Crc::<u16, Table<16>>::new(&CRC_16_MODBUS);
// CRC-16/CCITT-FALSE is catalogued as CRC-16/IBM-3740.
const CRC16_CCITT_FALSE: Crc<u16, Table<16>> = Crc::<u16, Table<16>>::new(&CRC_16_IBM_3740);
const CRC16_XMODEM: Crc<u16, Table<16>> = Crc::<u16, Table<16>>::new(&CRC_16_XMODEM);
// The plain CRC-8 (poly 07, as in ATM headers and many sensors) is catalogued as CRC-8/SMBUS.
const CRC8: Crc<u8, Table<16>> = Crc::<u8, Table<16>>::new(&CRC_8_SMBUS);
const CRC8_MAXIM: Crc<u8, Table<16>> = Crc::<u8, Table<16>>::new(&CRC_8_MAXIM_DOW);
const CRC32: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_ISO_HDLC);

/// A checksum over the payload, appended after it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Checksum {
    /// Nothing appended.
    #[default]
    None,
    /// Sum of all bytes, modulo 256 (one byte).
    Sum8,
    /// Sum of all bytes, modulo 65536, high byte first (SSCOM's ADD16).
    Sum16,
    /// XOR of all bytes (one byte).
    Xor8,
    /// CRC-8 (poly 0x07, init 0; catalogued as CRC-8/SMBUS).
    Crc8,
    /// CRC-8/MAXIM (Dallas 1-Wire: DS18B20 and its kin).
    Crc8Maxim,
    /// CRC-16/MODBUS, low byte first, as Modbus RTU frames carry it.
    Crc16Modbus,
    /// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), high byte first.
    Crc16CcittFalse,
    /// CRC-16/XMODEM (poly 0x1021, init 0, as XMODEM and YMODEM loaders use), high byte first.
    Crc16Xmodem,
    /// CRC-32 (ISO-HDLC, as in zip and Ethernet), high byte first.
    Crc32,
}

impl Checksum {
    /// Every checksum, in selector order.
    pub const ALL: [Self; 10] = [
        Self::None,
        Self::Sum8,
        Self::Sum16,
        Self::Xor8,
        Self::Crc8,
        Self::Crc8Maxim,
        Self::Crc16Modbus,
        Self::Crc16CcittFalse,
        Self::Crc16Xmodem,
        Self::Crc32,
    ];

    /// Its name in selectors.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "—",
            Self::Sum8 => "SUM8",
            Self::Sum16 => "SUM16",
            Self::Xor8 => "XOR8",
            Self::Crc8 => "CRC8",
            Self::Crc8Maxim => "CRC8/MAXIM",
            Self::Crc16Modbus => "CRC16/MODBUS",
            Self::Crc16CcittFalse => "CRC16/CCITT-FALSE",
            Self::Crc16Xmodem => "CRC16/XMODEM",
            Self::Crc32 => "CRC32",
        }
    }

    /// How many bytes it appends.
    pub fn width(self) -> usize {
        match self {
            Self::None => 0,
            Self::Sum8 | Self::Xor8 | Self::Crc8 | Self::Crc8Maxim => 1,
            Self::Sum16 | Self::Crc16Modbus | Self::Crc16CcittFalse | Self::Crc16Xmodem => 2,
            Self::Crc32 => 4,
        }
    }

    /// The bytes to append for `payload`, in the order they go on the wire.
    pub fn compute(self, payload: &[u8]) -> Vec<u8> {
        self.digest(payload).as_bytes().to_vec()
    }

    /// [`Checksum::compute`] without allocating, for checking every received frame.
    pub fn digest(self, payload: &[u8]) -> Digest {
        match self {
            Self::None => Digest::new(&[]),
            Self::Sum8 => Digest::new(&[payload.iter().fold(0u8, |sum, b| sum.wrapping_add(*b))]),
            Self::Sum16 => Digest::new(
                &payload
                    .iter()
                    .fold(0u16, |sum, b| sum.wrapping_add(u16::from(*b)))
                    .to_be_bytes(),
            ),
            Self::Xor8 => Digest::new(&[payload.iter().fold(0u8, |x, b| x ^ b)]),
            Self::Crc8 => Digest::new(&[CRC8.checksum(payload)]),
            Self::Crc8Maxim => Digest::new(&[CRC8_MAXIM.checksum(payload)]),
            Self::Crc16Modbus => Digest::new(&CRC16_MODBUS.checksum(payload).to_le_bytes()),
            Self::Crc16CcittFalse => {
                Digest::new(&CRC16_CCITT_FALSE.checksum(payload).to_be_bytes())
            }
            Self::Crc16Xmodem => Digest::new(&CRC16_XMODEM.checksum(payload).to_be_bytes()),
            Self::Crc32 => Digest::new(&CRC32.checksum(payload).to_be_bytes()),
        }
    }
}

/// A checksum's bytes in wire order (up to four), held without an allocation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Digest {
    bytes: [u8; 4],
    len: u8,
}

impl Digest {
    /// Up to four bytes; any more are not kept (no checksum here has more).
    fn new(wire: &[u8]) -> Self {
        let mut digest = Self::default();
        for (slot, byte) in digest.bytes.iter_mut().zip(wire) {
            *slot = *byte;
            digest.len += 1;
        }
        digest
    }

    /// The bytes, in the order they go on the wire.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..usize::from(self.len)).unwrap_or_default()
    }
}

/// What goes after the payload (and its checksum).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum LineEnding {
    /// Nothing.
    #[default]
    None,
    /// `\r` (0D).
    Cr,
    /// `\n` (0A).
    Lf,
    /// `\r\n` (0D 0A).
    CrLf,
}

impl LineEnding {
    /// Every ending, in selector order.
    pub const ALL: [Self; 4] = [Self::None, Self::Cr, Self::Lf, Self::CrLf];

    /// Its name in selectors.
    pub fn name(self) -> &'static str {
        match self {
            Self::None => "—",
            Self::Cr => "CR",
            Self::Lf => "LF",
            Self::CrLf => "CRLF",
        }
    }

    /// The bytes it adds.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Self::None => b"",
            Self::Cr => b"\r",
            Self::Lf => b"\n",
            Self::CrLf => b"\r\n",
        }
    }
}
