//! `X-Traceid`: 58 characters of `[0-9a-z]`, fresh for every attempt unless
//! the caller supplies one.

use crate::random::RandomSource;
use crate::validate::ValidationError;

/// The length KooDrive requires of an `X-Traceid` ("必须58位").
pub const TRACE_ID_LEN: usize = 58;

const ALPHABET: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A new trace id: [`TRACE_ID_LEN`] characters drawn uniformly from `[0-9a-z]`.
pub fn new_trace_id(random: &mut dyn RandomSource) -> String {
    (0..TRACE_ID_LEN)
        .map(|_| char::from(ALPHABET[random.below(36) as usize]))
        .collect()
}

/// Checks a caller-supplied trace id: exactly 58 ASCII letters or digits.
pub fn check_trace_id(trace_id: &str) -> Result<(), ValidationError> {
    let reason = if trace_id.len() != TRACE_ID_LEN {
        format!("it has {} characters", trace_id.chars().count())
    } else if !trace_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        "it has characters other than ASCII letters and digits".to_owned()
    } else {
        return Ok(());
    };
    Err(ValidationError::InvalidTraceId { reason })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn trace_ids_are_58_lowercase_alphanumerics_and_differ() {
        let mut r = SeededRandom::new(3);
        let a = new_trace_id(&mut r);
        let b = new_trace_id(&mut r);
        assert_eq!(a.len(), 58);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        );
        assert_ne!(a, b);
        assert!(check_trace_id(&a).is_ok());
    }

    #[test]
    fn supplied_trace_ids_of_the_wrong_shape_are_refused() {
        assert!(check_trace_id("abc").is_err());
        assert!(check_trace_id(&"é".repeat(29)).is_err());
        assert!(check_trace_id(&"-".repeat(58)).is_err());
        assert!(check_trace_id(&"A".repeat(58)).is_ok());
    }
}
