//! The byte-level pieces of the stored format: LEB128 varints, zigzag signed
//! numbers, and a reader that never reads past its end (every read says
//! what was cut short instead of panicking).

use super::error::HistoryError;

/// Appends `value` as an unsigned LEB128 varint (1 to 10 bytes).
pub(crate) fn put_u64(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Maps signed numbers to unsigned so that small magnitudes stay small.
pub(crate) fn zigzag(value: i64) -> u64 {
    ((value << 1) ^ (value >> 63)) as u64
}

/// The inverse of [`zigzag`].
pub(crate) fn unzigzag(value: u64) -> i64 {
    ((value >> 1) as i64) ^ -((value & 1) as i64)
}

/// Appends a signed number, zigzag then varint.
pub(crate) fn put_i64(out: &mut Vec<u8>, value: i64) {
    put_u64(out, zigzag(value));
}

/// Reads bytes from a slice, front to back.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Names the part being read, for error messages.
    what: &'static str,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], what: &'static str) -> Self {
        Self { bytes, at: 0, what }
    }

    fn cut_short(&self) -> HistoryError {
        HistoryError::damaged(format!("{} ends too early", self.what))
    }

    pub(crate) fn u8(&mut self) -> Result<u8, HistoryError> {
        let b = *self.bytes.get(self.at).ok_or_else(|| self.cut_short())?;
        self.at += 1;
        Ok(b)
    }

    pub(crate) fn u64(&mut self) -> Result<u64, HistoryError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                break;
            }
            value |= part << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(HistoryError::damaged(format!(
            "{} holds a number longer than 64 bits",
            self.what
        )))
    }

    pub(crate) fn i64(&mut self) -> Result<i64, HistoryError> {
        self.u64().map(unzigzag)
    }

    /// A count or length that must fit in memory and be at most `max`.
    pub(crate) fn len(&mut self, max: usize) -> Result<usize, HistoryError> {
        let n = self.u64()?;
        usize::try_from(n)
            .ok()
            .filter(|&n| n <= max)
            .ok_or_else(|| HistoryError::damaged(format!("{} gives a length of {n}", self.what)))
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], HistoryError> {
        let end = self.at.checked_add(n).ok_or_else(|| self.cut_short())?;
        let part = self
            .bytes
            .get(self.at..end)
            .ok_or_else(|| self.cut_short())?;
        self.at = end;
        Ok(part)
    }

    pub(crate) fn f64_bits(&mut self) -> Result<f64, HistoryError> {
        let part = self.take(8)?;
        let mut raw = [0u8; 8];
        raw.copy_from_slice(part);
        Ok(f64::from_le_bytes(raw))
    }

    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }

    pub(crate) fn rest(&mut self) -> &'a [u8] {
        let rest = &self.bytes[self.at..];
        self.at = self.bytes.len();
        rest
    }

    /// Fails unless everything was read.
    pub(crate) fn finish(&self) -> Result<(), HistoryError> {
        if self.remaining() == 0 {
            Ok(())
        } else {
            Err(HistoryError::damaged(format!(
                "{} has {} bytes too many",
                self.what,
                self.remaining()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_zigzag_round_trip_at_the_edges() {
        for v in [0, 1, -1, 63, -64, 64, i64::MAX, i64::MIN] {
            let mut out = Vec::new();
            put_i64(&mut out, v);
            assert_eq!(Reader::new(&out, "t").i64().unwrap(), v);
        }
        let mut out = Vec::new();
        put_u64(&mut out, u64::MAX);
        assert_eq!(out.len(), 10);
        assert_eq!(Reader::new(&out, "t").u64().unwrap(), u64::MAX);
    }

    #[test]
    fn an_overlong_or_cut_varint_is_an_error_not_a_panic() {
        assert!(Reader::new(&[0xff; 11], "t").u64().is_err());
        assert!(Reader::new(&[0x80], "t").u64().is_err());
        assert!(
            Reader::new(
                &[0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02],
                "t"
            )
            .u64()
            .is_err()
        );
    }
}
