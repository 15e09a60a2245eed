//! The ZIP container of an `.xlsx` file: each part deflated (by
//! `miniz_oxide`, the compressor the usage history's stored form uses), with
//! its CRC-32, local headers, the central directory and its end record. No
//! ZIP64: an export of every user of a tenant stays far below 4 GiB.

use miniz_oxide::deflate::compress_to_vec;

/// Deflate level: 6 is zlib's default, a good ratio for little time.
const LEVEL: u8 = 6;

/// The CRC-32 table (IEEE polynomial, reflected), built at compile time.
const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

/// The CRC-32 a ZIP entry records of its uncompressed bytes.
pub fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in bytes {
        c = CRC_TABLE[((c ^ u32::from(b)) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

/// A ZIP file being written, part by part.
pub struct ZipWriter {
    out: Vec<u8>,
    central: Vec<u8>,
    entries: u16,
    dos_time: u16,
    dos_date: u16,
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// A length or offset as the 32-bit field ZIP has for it (saturated: the
/// parts of an export never come near 4 GiB).
fn size32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl ZipWriter {
    /// An empty ZIP whose entries are dated `(year, month, day, hour,
    /// minute, second)` (MS-DOS time: local to nobody, so UTC here).
    pub fn new(when: (u16, u8, u8, u8, u8, u8)) -> Self {
        let (y, mo, d, h, mi, s) = when;
        Self {
            out: Vec::new(),
            central: Vec::new(),
            entries: 0,
            dos_time: (u16::from(h) << 11) | (u16::from(mi) << 5) | u16::from(s / 2),
            dos_date: (y.saturating_sub(1980) << 9) | (u16::from(mo) << 5) | u16::from(d),
        }
    }

    /// Adds the part `name` with `data`, deflated.
    pub fn add(&mut self, name: &str, data: &[u8]) {
        let deflated = compress_to_vec(data, LEVEL);
        let crc = crc32(data);
        let offset = size32(self.out.len());
        // The fields the local header and the central directory share.
        let mut common = Vec::with_capacity(26);
        put16(&mut common, 20); // version needed: 2.0 (deflate)
        put16(&mut common, 1 << 11); // flags: the name is UTF-8
        put16(&mut common, 8); // method: deflate
        put16(&mut common, self.dos_time);
        put16(&mut common, self.dos_date);
        put32(&mut common, crc);
        put32(&mut common, size32(deflated.len()));
        put32(&mut common, size32(data.len()));
        put16(&mut common, u16::try_from(name.len()).unwrap_or(u16::MAX));
        put16(&mut common, 0); // extra field length

        put32(&mut self.out, 0x0403_4B50);
        self.out.extend_from_slice(&common);
        self.out.extend_from_slice(name.as_bytes());
        self.out.extend_from_slice(&deflated);

        put32(&mut self.central, 0x0201_4B50);
        put16(&mut self.central, 20); // version made by: 2.0, MS-DOS
        self.central.extend_from_slice(&common);
        put16(&mut self.central, 0); // comment length
        put16(&mut self.central, 0); // disk number
        put16(&mut self.central, 0); // internal attributes
        put32(&mut self.central, 0); // external attributes
        put32(&mut self.central, offset);
        self.central.extend_from_slice(name.as_bytes());
        self.entries = self.entries.saturating_add(1);
    }

    /// The finished file: the parts, the central directory, its end record.
    pub fn finish(mut self) -> Vec<u8> {
        let start = size32(self.out.len());
        let size = size32(self.central.len());
        self.out.extend_from_slice(&self.central);
        put32(&mut self.out, 0x0605_4B50);
        put16(&mut self.out, 0); // this disk
        put16(&mut self.out, 0); // the disk where the directory starts
        put16(&mut self.out, self.entries);
        put16(&mut self.out, self.entries);
        put32(&mut self.out, size);
        put32(&mut self.out, start);
        put16(&mut self.out, 0); // comment length
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_the_one_zip_uses() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn a_zip_lists_its_parts_and_inflates_back() {
        let mut zip = ZipWriter::new((2026, 12, 5, 8, 30, 10));
        zip.add("a.xml", b"<a>hello hello hello</a>");
        zip.add("dir/b.xml", b"");
        let bytes = zip.finish();
        // End record: two entries, the directory right after the parts.
        let end = &bytes[bytes.len() - 22..];
        assert_eq!(&end[..4], &0x0605_4B50u32.to_le_bytes());
        assert_eq!(u16::from_le_bytes([end[10], end[11]]), 2);
        let dir_start = u32::from_le_bytes([end[16], end[17], end[18], end[19]]) as usize;
        assert_eq!(
            &bytes[dir_start..dir_start + 4],
            &0x0201_4B50u32.to_le_bytes()
        );
        // The first part: its header, its name, its data inflating back.
        assert_eq!(&bytes[..4], &0x0403_4B50u32.to_le_bytes());
        let compressed = u32::from_le_bytes([bytes[18], bytes[19], bytes[20], bytes[21]]) as usize;
        let name_len = u16::from_le_bytes([bytes[26], bytes[27]]) as usize;
        assert_eq!(&bytes[30..30 + name_len], b"a.xml");
        let data = &bytes[30 + name_len..30 + name_len + compressed];
        let inflated = miniz_oxide::inflate::decompress_to_vec(data).unwrap_or_default();
        assert_eq!(inflated, b"<a>hello hello hello</a>");
        let crc = u32::from_le_bytes([bytes[14], bytes[15], bytes[16], bytes[17]]);
        assert_eq!(crc, crc32(b"<a>hello hello hello</a>"));
    }
}
