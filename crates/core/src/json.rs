//! JSON for every target, in one place: the reader all answers and request
//! bodies are read with (the client on wasm32 and natively, the gateway),
//! the one string escaper every hand-written JSON output uses, and
//! [`Object`], the small writer the gateway's answers are built with.
//!
//! The reader is serde's `Deserializer` straight over the body's bytes, so
//! the wasm builds hold no general JSON library and decoding makes no call
//! into JavaScript (the npm build passes the host's `parseFloat` for the few
//! fractional numbers, see [`from_slice_with`]). It serves core's lenient
//! visitors (`AnswerEnvelope`, the records, `Loose`) and plain derived
//! types, which ask for "any value": every `deserialize_*` is
//! `deserialize_any`, except options and ignored values (skipped without
//! being decoded). What it accepts and refuses is what `serde_json` accepts
//! and refuses, the tests below compare them: strings must be valid UTF-8
//! and a `\u` escape of a surrogate must be one half of a pair (a lone
//! surrogate is refused), except inside ignored values, which are only
//! checked for their shape, as `serde_json` does.
//!
//! Errors carry this module's own words and the byte position. The
//! messages serde builds (which format the unexpected value, floats
//! included) are never formatted, which keeps float formatting out of the
//! wasm.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};

/// The deepest nesting read; deeper answers are refused, not overflowed.
const MAX_DEPTH: u32 = 128;

const INVALID_UTF8: &str = "invalid UTF-8 in a string";
const LONE_SURROGATE: &str = "a lone surrogate in a \\u escape";

/// Why a body is not JSON (or not the JSON the type wanted): what was
/// wrong and at which byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError(String);

impl JsonError {
    /// What was wrong, with the byte position where it was found.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JsonError {}

impl de::Error for JsonError {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        // Not formatted: see the module comment.
        Self("the JSON is well-formed but does not have the expected shape".into())
    }
}

type Result<T> = std::result::Result<T, JsonError>;

/// Reads one JSON value of type `T` from `input`; only whitespace may follow.
/// Fractional numbers are read with Rust's own correctly rounded parser.
pub fn from_slice<T: DeserializeOwned>(input: &[u8]) -> Result<T> {
    from_slice_with(input, parse_f64)
}

/// [`from_slice`] with another parser for fractional numbers (the text of
/// a JSON number in, the nearest `f64` out). The npm build passes the
/// host's `parseFloat`, which keeps Rust's float parser out of the wasm.
pub fn from_slice_with<T: DeserializeOwned>(input: &[u8], parse_f64: fn(&str) -> f64) -> Result<T> {
    let mut reader = Reader {
        input,
        pos: 0,
        depth: 0,
        parse_f64,
    };
    let value = T::deserialize(&mut reader)?;
    if reader.peek().is_some() {
        return Err(reader.error("unexpected characters after the JSON value"));
    }
    Ok(value)
}

/// A number's text as JSON wrote it → f64, correctly rounded.
fn parse_f64(text: &str) -> f64 {
    text.parse().unwrap_or(f64::NAN)
}

/// Writes `s` as a JSON string literal, quotes included: `"` and `\`
/// escaped, `\n`, `\r`, `\t`, `\b` and `\f` by their short escapes, other
/// control characters as `\u00XX`, and U+2028 and U+2029 as `\u2028` and
/// `\u2029` (valid JSON either way, but a JavaScript source or a `<script>`
/// that embeds the text would break on them raw). Every JSON this project
/// writes by hand uses it.
pub fn push_string(out: &mut String, s: &str) {
    out.push('"');
    let mut rest = s;
    while let Some(at) =
        rest.find(|c: char| c < ' ' || c == '"' || c == '\\' || c == '\u{2028}' || c == '\u{2029}')
    {
        out.push_str(&rest[..at]);
        let c = rest[at..].chars().next().unwrap_or_default();
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let code = c as u32;
                out.push_str("\\u");
                for shift in [12, 8, 4, 0] {
                    out.push(char::from(HEX[((code >> shift) & 0xf) as usize]));
                }
            }
        }
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
    out.push('"');
}

/// `s` as a JSON string literal (see [`push_string`]).
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_string(&mut out, s);
    out
}

/// Writes one JSON object into a `String`, a member at a time, with
/// [`push_string`] for every key and string:
///
/// ```
/// use koodrive_core::json::Object;
/// let mut out = String::new();
/// let mut o = Object::new(&mut out);
/// o.str("userId", "u1").u64("users", 3).opt_f64("used", None);
/// o.finish();
/// assert_eq!(out, r#"{"userId":"u1","users":3,"used":null}"#);
/// ```
#[derive(Debug)]
pub struct Object<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> Object<'a> {
    /// Opens an object at the end of `out`.
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        Self { out, empty: true }
    }

    fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        push_string(self.out, key);
        self.out.push(':');
        self.out
    }

    /// A string member.
    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        push_string(self.key(key), value);
        self
    }

    /// A string member, left out when `value` is `None`.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.str(key, value);
        }
        self
    }

    /// An unsigned integer member.
    pub fn u64(&mut self, key: &str, value: u64) -> &mut Self {
        let out = self.key(key);
        let _ = write!(out, "{value}");
        self
    }

    /// A signed integer member.
    pub fn i64(&mut self, key: &str, value: i64) -> &mut Self {
        let out = self.key(key);
        let _ = write!(out, "{value}");
        self
    }

    /// A signed integer member, `null` when `value` is `None`.
    pub fn opt_i64(&mut self, key: &str, value: Option<i64>) -> &mut Self {
        match value {
            Some(v) => self.i64(key, v),
            None => self.raw(key, "null"),
        }
    }

    /// A number member, `null` when `value` is `None` or not finite (JSON
    /// has no NaN or infinity). Written with `Display` (plain digits, no
    /// exponent), which reads back to the same `f64`; not with `Debug`,
    /// which the size-built wasm compiles to nothing.
    pub fn opt_f64(&mut self, key: &str, value: Option<f64>) -> &mut Self {
        match value.filter(|v| v.is_finite()) {
            Some(v) => {
                let _ = write!(self.key(key), "{v}");
                self
            }
            None => self.raw(key, "null"),
        }
    }

    /// A `true` or `false` member.
    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.raw(key, if value { "true" } else { "false" })
    }

    /// A member whose value is JSON written elsewhere (an object or array
    /// built with this module), put in as it is.
    pub fn raw(&mut self, key: &str, json: &str) -> &mut Self {
        self.key(key).push_str(json);
        self
    }

    /// Closes the object.
    pub fn finish(self) {
        self.out.push('}');
    }
}

struct Reader<'de> {
    input: &'de [u8],
    pos: usize,
    depth: u32,
    parse_f64: fn(&str) -> f64,
}

impl<'de> Reader<'de> {
    /// The next byte that is not whitespace (the position moves onto it).
    fn peek(&mut self) -> Option<u8> {
        while let Some(&b) = self.input.get(self.pos) {
            if !matches!(b, b' ' | b'\n' | b'\r' | b'\t') {
                return Some(b);
            }
            self.pos += 1;
        }
        None
    }

    fn error(&self, what: &str) -> JsonError {
        self.error_at(self.pos, what)
    }

    fn error_at(&self, pos: usize, what: &str) -> JsonError {
        if pos >= self.input.len() {
            JsonError(format!("{what}: the JSON ends early"))
        } else {
            JsonError(format!("{what} at byte {pos}"))
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        if self.input[self.pos..].starts_with(word) {
            self.pos += word.len();
            Ok(())
        } else {
            Err(self.error("invalid literal"))
        }
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("the JSON is nested too deeply"));
        }
        self.pos += 1;
        Ok(())
    }

    fn leave(&mut self, close: u8) -> Result<()> {
        if self.peek() != Some(close) {
            return Err(self.error(if close == b']' {
                "expected `]`"
            } else {
                "expected `}`"
            }));
        }
        self.pos += 1;
        self.depth -= 1;
        Ok(())
    }

    /// A string; the position is on its opening quote. Invalid UTF-8 and
    /// lone surrogates are refused, as `serde_json` refuses them.
    fn string(&mut self) -> Result<Cow<'de, str>> {
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.input.get(self.pos) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    let bytes = &self.input[start..self.pos];
                    let text = std::str::from_utf8(bytes)
                        .map_err(|e| self.error_at(start + e.valid_up_to(), INVALID_UTF8))?;
                    self.pos += 1;
                    return Ok(Cow::Borrowed(text));
                }
                Some(b'\\') => break,
                Some(0..=0x1f) => return Err(self.error("control character in a string")),
                Some(_) => self.pos += 1,
            }
        }
        let mut buf = self.input[start..self.pos].to_vec();
        let mut checked = 0;
        loop {
            match self.input.get(self.pos) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.raw_utf8(&buf[checked..])?;
                    self.pos += 1;
                    // Every piece was checked: raw ones here, escapes by
                    // construction.
                    return String::from_utf8(buf)
                        .map_err(|_| self.error_at(start, INVALID_UTF8))
                        .map(Cow::Owned);
                }
                Some(b'\\') => {
                    // The raw bytes since the last escape must be UTF-8 on
                    // their own: an escape never completes a raw sequence.
                    self.raw_utf8(&buf[checked..])?;
                    self.pos += 1;
                    let escaped = self.input.get(self.pos).copied();
                    self.pos += 1;
                    let c = match escaped {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => self.unicode_escape()?,
                        _ => {
                            self.pos -= 1;
                            return Err(self.error("invalid escape in a string"));
                        }
                    };
                    let mut utf8 = [0; 4];
                    buf.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                    checked = buf.len();
                }
                Some(0..=0x1f) => return Err(self.error("control character in a string")),
                Some(&b) => {
                    buf.push(b);
                    self.pos += 1;
                }
            }
        }
    }

    /// Checks the raw bytes that end at the current position.
    fn raw_utf8(&self, raw: &[u8]) -> Result<()> {
        std::str::from_utf8(raw)
            .map(drop)
            .map_err(|e| self.error_at(self.pos - raw.len() + e.valid_up_to(), INVALID_UTF8))
    }

    /// Skips a string of an ignored value; the position is on its opening
    /// quote. Only its shape is checked (escapes, control characters), as
    /// `serde_json` checks ignored strings.
    fn skip_string(&mut self) -> Result<()> {
        self.pos += 1;
        loop {
            match self.input.get(self.pos) {
                None => return Err(self.error("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    match self.input.get(self.pos) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {
                            self.pos += 1;
                        }
                        Some(b'u') => {
                            self.pos += 1;
                            self.hex4()?;
                        }
                        _ => return Err(self.error("invalid escape in a string")),
                    }
                }
                Some(0..=0x1f) => return Err(self.error("control character in a string")),
                Some(_) => self.pos += 1,
            }
        }
    }

    fn hex4(&mut self) -> Result<u32> {
        let digits = self
            .input
            .get(self.pos..self.pos + 4)
            .ok_or_else(|| self.error("unterminated \\u escape"))?;
        let mut value = 0;
        for &d in digits {
            let nibble = (d as char)
                .to_digit(16)
                .ok_or_else(|| self.error("invalid \\u escape"))?;
            value = value * 16 + nibble;
        }
        self.pos += 4;
        Ok(value)
    }

    /// The character of `\uXXXX` (the position is after the `u`); a
    /// surrogate pair makes one character, a lone surrogate is refused.
    fn unicode_escape(&mut self) -> Result<char> {
        let first = self.hex4()?;
        if (0xdc00..0xe000).contains(&first) {
            return Err(self.error(LONE_SURROGATE));
        }
        if (0xd800..0xdc00).contains(&first) {
            if !self.input[self.pos..].starts_with(b"\\u") {
                return Err(self.error(LONE_SURROGATE));
            }
            self.pos += 2;
            let second = self.hex4()?;
            if !(0xdc00..0xe000).contains(&second) {
                return Err(self.error(LONE_SURROGATE));
            }
            let c = 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00);
            return char::from_u32(c).ok_or_else(|| self.error(LONE_SURROGATE));
        }
        char::from_u32(first).ok_or_else(|| self.error(LONE_SURROGATE))
    }

    /// A number's text; the position is on its first character.
    fn number_text(&mut self) -> Result<(&'de str, bool)> {
        let start = self.pos;
        let digits = |r: &mut Self| {
            let from = r.pos;
            while r.input.get(r.pos).is_some_and(u8::is_ascii_digit) {
                r.pos += 1;
            }
            r.pos > from
        };
        if self.input.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.input.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                digits(self);
            }
            _ => return Err(self.error("invalid number")),
        }
        let mut integer = true;
        if self.input.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            integer = false;
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        if matches!(self.input.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            integer = false;
            if matches!(self.input.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !digits(self) {
                return Err(self.error("invalid number"));
            }
        }
        if self.input.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return Err(self.error("invalid number"));
        }
        // Only ASCII was consumed.
        let text = std::str::from_utf8(&self.input[start..self.pos])
            .map_err(|_| self.error("invalid number"))?;
        Ok((text, integer))
    }

    fn number<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value> {
        let (text, integer) = self.number_text()?;
        if integer {
            let (negative, digits) = match text.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, text),
            };
            let mut value: u64 = 0;
            let exact = digits.bytes().all(|d| {
                match value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(d - b'0')))
                {
                    Some(v) => {
                        value = v;
                        true
                    }
                    None => false,
                }
            });
            if exact && !negative {
                return visitor.visit_u64(value);
            }
            if exact && value <= i64::MAX as u64 + 1 {
                return visitor.visit_i64((value as i64).wrapping_neg());
            }
        }
        visitor.visit_f64((self.parse_f64)(text))
    }

    /// Skips one value without decoding it.
    fn skip(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'"') => self.skip_string(),
            Some(b'[') => {
                self.enter()?;
                let mut first = true;
                while self.peek() != Some(b']') {
                    if !first {
                        self.comma()?;
                    }
                    first = false;
                    self.skip()?;
                }
                self.leave(b']')
            }
            Some(b'{') => {
                self.enter()?;
                let mut first = true;
                while self.peek() != Some(b'}') {
                    if !first {
                        self.comma()?;
                    }
                    first = false;
                    if self.peek() != Some(b'"') {
                        return Err(self.error("expected a string key"));
                    }
                    self.skip_string()?;
                    self.colon()?;
                    self.skip()?;
                }
                self.leave(b'}')
            }
            Some(b'n') => self.literal(b"null"),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'-' | b'0'..=b'9') => self.number_text().map(drop),
            _ => Err(self.error("expected a JSON value")),
        }
    }

    fn comma(&mut self) -> Result<()> {
        if self.peek() == Some(b',') {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error("expected `,`"))
        }
    }

    fn colon(&mut self) -> Result<()> {
        if self.peek() == Some(b':') {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error("expected `:`"))
        }
    }
}

impl<'de> Deserializer<'de> for &mut Reader<'de> {
    type Error = JsonError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        match self.peek() {
            Some(b'"') => match self.string()? {
                Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
                Cow::Owned(s) => visitor.visit_string(s),
            },
            Some(b'[') => {
                self.enter()?;
                let value = visitor.visit_seq(Elements {
                    reader: self,
                    first: true,
                })?;
                self.leave(b']')?;
                Ok(value)
            }
            Some(b'{') => {
                self.enter()?;
                let value = visitor.visit_map(Entries {
                    reader: self,
                    first: true,
                })?;
                self.leave(b'}')?;
                Ok(value)
            }
            Some(b'n') => {
                self.literal(b"null")?;
                visitor.visit_unit()
            }
            Some(b't') => {
                self.literal(b"true")?;
                visitor.visit_bool(true)
            }
            Some(b'f') => {
                self.literal(b"false")?;
                visitor.visit_bool(false)
            }
            Some(b'-' | b'0'..=b'9') => self.number(visitor),
            _ => Err(self.error("expected a JSON value")),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        if self.peek() == Some(b'n') {
            self.literal(b"null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value> {
        self.skip()?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier
    }
}

/// The elements of an array being read.
struct Elements<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = JsonError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>> {
        if self.reader.peek() == Some(b']') {
            return Ok(None);
        }
        if !self.first {
            self.reader.comma()?;
        }
        self.first = false;
        seed.deserialize(&mut *self.reader).map(Some)
    }
}

/// The entries of an object being read.
struct Entries<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = JsonError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>> {
        if self.reader.peek() == Some(b'}') {
            return Ok(None);
        }
        if !self.first {
            self.reader.comma()?;
        }
        self.first = false;
        if self.reader.peek() != Some(b'"') {
            return Err(self.reader.error("expected a string key"));
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value> {
        self.reader.colon()?;
        seed.deserialize(&mut *self.reader)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{AnswerEnvelope, DataField, SpaceUsageRequest};

    /// Both readers agree: the same envelope, or both refuse.
    fn agrees(json: &str) {
        agrees_on_bytes(json.as_bytes());
    }

    fn agrees_on_bytes(json: &[u8]) {
        let ours = from_slice::<AnswerEnvelope>(json);
        let reference = serde_json::from_slice::<AnswerEnvelope>(json);
        let shown = String::from_utf8_lossy(json);
        match (&ours, &reference) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{shown}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{shown}: ours {ours:?}, serde_json {reference:?}"),
        }
    }

    #[test]
    fn answers_read_as_serde_json_reads_them() {
        for json in [
            r#"{"code":0,"msg":"success","data":[{"userId":"1008600000509220652","quota":"1048576","used":996147.2,"createTime":"2025-11-12T08:37:14.613Z"}],"total":1}"#,
            r#"{"data":[{"quota":"18446744073709551615","userId":"1","used":0}],"total":1,"code":0,"msg":"success"}"#,
            r#"{"code":"APIGW.0301","msg":"Incorrect IAM authentication","data":{"x":[1,{"y":null}]},"total":"7"}"#,
            r#"{"code":13000101,"msg":"Unauthorized","extra":{"nested":[true,false,null,-1.5e-3,"\u00e9"]}}"#,
            r#" { "code" : 0 , "data" : [ 1 , "x" , null , [ ] , { } ] , "total" : 2.0 } "#,
            r#"{"code":0,"data":[{"userId":"a\"b\\c\/d\n\t\u0041\ud83d\ude00","quota":5,"used":"7"}]}"#,
            r#"{"code":-9223372036854775808,"total":18446744073709551616,"data":null}"#,
            r#"{"code":1e2,"total":-0,"data":[{"used":-0.0,"quota":"0"},{"used":1.7976931348623157e308}]}"#,
            r#"{"total":0.1,"code":123456789012345678901234567890}"#,
            "{}",
        ] {
            agrees(json);
        }
    }

    #[test]
    fn what_is_not_json_is_refused_with_a_position() {
        for json in [
            "",
            "{",
            r#"{"code":0,}"#,
            r#"{"code":01}"#,
            r#"{"code":1.}"#,
            r#"{"code":-}"#,
            r#"{"msg":"a"#,
            r#"{"msg":"\x"}"#,
            "{\"msg\":\"a\nb\"}",
            r#"{"code":0} x"#,
            r#"{"data":[1,]}"#,
            r#"{code:0}"#,
            r#"{"code" 0}"#,
            r#"{"code":nul}"#,
            "[1]",
            r#""text""#,
            "<html>Bad Gateway</html>",
        ] {
            agrees(json);
            assert!(
                from_slice::<AnswerEnvelope>(json.as_bytes()).is_err(),
                "{json}"
            );
        }
        let e = from_slice::<AnswerEnvelope>(br#"{"code":0,}"#).unwrap_err();
        assert_eq!(e.0, "expected a string key at byte 10");
    }

    #[test]
    fn every_cut_and_every_changed_byte_reads_as_serde_json_reads_it() {
        let answer = br#"{"code":0,"msg":"ok \u00e9\n","data":[{"userId":"1","quota":"10","used":2.5e1,"createTime":"t"},null,[true,false]],"total":-1}"#;
        let mut seen = 0;
        let mut compare = |bytes: &[u8]| {
            agrees_on_bytes(bytes);
            seen += 1;
        };
        for end in 0..=answer.len() {
            compare(&answer[..end]);
        }
        for i in 0..answer.len() {
            for &c in b"{}[],:\"\\0-.eEtnfu9 x\xff\xc3" {
                let mut changed = answer.to_vec();
                changed[i] = c;
                compare(&changed);
            }
        }
        assert!(seen > 1000, "{seen}");
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = format!("{{\"x\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        let e = from_slice::<AnswerEnvelope>(deep.as_bytes()).unwrap_err();
        assert!(e.0.contains("nested too deeply"), "{e}");
        let ok = format!("{{\"x\":{}{}}}", "[".repeat(100), "]".repeat(100));
        assert!(from_slice::<AnswerEnvelope>(ok.as_bytes()).is_ok());
    }

    #[test]
    fn lone_surrogates_and_invalid_utf8_are_refused_as_serde_json_refuses_them() {
        for json in [
            br#"{"msg":"lone \ud800 leading"}"#.as_slice(),
            br#"{"msg":"lone \udc00 trailing"}"#,
            br#"{"msg":"\ud800\u0041 not a pair"}"#,
            br#"{"msg":"\ud800"}"#,
            br#"{"msg":"\ud800\"}"#,
            b"{\"msg\":\"bad \xff utf-8\"}",
            b"{\"msg\":\"cut \xc3\\n before an escape\"}",
            b"{\"msg\":\"after an escape \\n \xe9\"}",
            br#"{"\udfff":1}"#,
        ] {
            agrees_on_bytes(json);
            let e = from_slice::<AnswerEnvelope>(json).unwrap_err();
            assert!(
                e.message().contains("surrogate") || e.message().contains("UTF-8"),
                "{e}"
            );
        }
        let pair: AnswerEnvelope = from_slice(br#"{"msg":"\ud83d\ude00 \u00e9"}"#).unwrap();
        assert_eq!(pair.msg.as_deref(), Some("\u{1f600} \u{e9}"));
        // Inside a value nobody reads, only the shape counts, as in serde_json.
        for json in [
            br#"{"ignored":"\ud800","code":0}"#.as_slice(),
            b"{\"ignored\":[\"\xff\"],\"code\":0}",
        ] {
            agrees_on_bytes(json);
            assert!(from_slice::<AnswerEnvelope>(json).is_ok());
        }
    }

    #[test]
    fn derived_types_such_as_a_request_body_read_as_with_serde_json() {
        for json in [
            r#"{"userIds":["1","2"],"limit":10,"offset":0}"#,
            r#"{"limit":10.0}"#,
            r#"{"limit":-1}"#,
            r#"{"userIds":"1"}"#,
            r#"{"offset":18446744073709551615}"#,
            r#"{"offset":18446744073709551616}"#,
            r#"{"userIds":null}"#,
            r#"{"other":{"deep":[1,2]}}"#,
        ] {
            let ours = from_slice::<SpaceUsageRequest>(json.as_bytes());
            let reference = serde_json::from_str::<SpaceUsageRequest>(json);
            assert_eq!(ours.ok(), reference.ok(), "{json}");
        }
    }

    #[test]
    fn the_escaper_writes_what_serde_json_writes_but_escapes_u2028_and_u2029() {
        let every: String = (0u32..0x80)
            .chain([0xe9, 0x2028, 0x2029, 0xfeff, 0x1f600])
            .filter_map(char::from_u32)
            .collect();
        for text in [every.as_str(), "", "plain", "a\"b\\c\u{8}\u{c}\n\r\t\u{1f}"] {
            let ours = string(text);
            let reference = serde_json::to_string(text)
                .unwrap()
                .replace('\u{2028}', "\\u2028")
                .replace('\u{2029}', "\\u2029");
            assert_eq!(ours, reference);
            assert_eq!(from_slice::<String>(ours.as_bytes()).unwrap(), text);
            assert_eq!(serde_json::from_str::<String>(&ours).unwrap(), text);
        }
        assert_eq!(string("\u{8}\u{c}\u{2028}"), r#""\b\f\u2028""#);
    }

    #[test]
    fn records_keep_their_exact_quota_and_odd_records_become_unknown() {
        let env: AnswerEnvelope = from_slice(
            br#"{"code":0,"data":[{"userId":"1","quota":"18446744073709551615","used":1.5},{"userId":2,"quota":"5 GB","used":-1}],"total":2}"#,
        )
        .unwrap();
        let DataField::Items(items) = env.data else {
            panic!("no items")
        };
        assert_eq!(items[0].quota, "18446744073709551615");
        assert_eq!(items[0].used, Some(1.5));
        assert!(items[1].problem().is_some());
    }

    #[test]
    fn objects_written_here_read_back_as_serde_json_writes_them() {
        let mut full = crate::UserSpaceQuota::new("u\u{2028}\"1", u64::MAX, 1.5e300);
        full.effective_time = Some("2026-01-01T00:00:00.000Z".into());
        let mut no_used = crate::UserSpaceQuota::new("2", 0, 0.0);
        no_used.used = None;
        let odd = crate::UserSpaceQuota::new("3", 7, -0.0);
        for user in [full, no_used, odd] {
            let mut ours = String::new();
            user.push_json(&mut ours);
            let ours: serde_json::Value = serde_json::from_str(&ours).unwrap();
            let theirs = serde_json::to_value(&user).unwrap();
            assert_eq!(ours, theirs, "{user:?}");
        }
        let mut out = String::new();
        let mut o = Object::new(&mut out);
        o.bool("on", false)
            .opt_f64("nan", Some(f64::NAN))
            .opt_i64("at", Some(-5))
            .raw("list", "[]");
        o.finish();
        assert_eq!(out, r#"{"on":false,"nan":null,"at":-5,"list":[]}"#);
    }
}
