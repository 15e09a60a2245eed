//! The answer envelope, `{"code": 0, "msg": "success", "data": [...], "total": n}`:
//! written by the sandbox ([`UsageAnswer`], [`ErrorAnswer`]) and read
//! leniently by the client ([`AnswerEnvelope`]), with any serde deserializer.

use core::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::loose::{Loose, next_key};
use crate::quota::UserSpaceQuota;

/// KooDrive's `code`: a number, or a string for gateway codes such as
/// `APIGW.0301`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ApiCode {
    /// A numeric code, e.g. 13000101.
    Number(i64),
    /// A textual code, e.g. `APIGW.0301`.
    Text(String),
}

impl ApiCode {
    /// Whether this is the success code 0.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Number(0))
    }
}

impl fmt::Display for ApiCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Number(n) => write!(f, "{n}"),
            Self::Text(s) => f.write_str(s),
        }
    }
}

impl Serialize for ApiCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Number(n) => s.serialize_i64(*n),
            Self::Text(t) => s.serialize_str(t),
        }
    }
}

/// A successful answer, as the sandbox writes it.
#[derive(Debug, Serialize)]
pub struct UsageAnswer<'a> {
    /// Always 0.
    pub code: i64,
    /// Always `success`.
    pub msg: &'a str,
    /// The records.
    pub data: &'a [UserSpaceQuota],
    /// How many records there are in all.
    pub total: u64,
}

impl<'a> UsageAnswer<'a> {
    /// A success answer over `data` with `total`.
    pub fn success(data: &'a [UserSpaceQuota], total: u64) -> Self {
        Self {
            code: 0,
            msg: "success",
            data,
            total,
        }
    }
}

/// An error answer, `{"code": …, "msg": "…"}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorAnswer {
    /// KooDrive's code.
    pub code: ApiCode,
    /// What went wrong.
    pub msg: String,
}

/// The `data` field as it came.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum DataField {
    /// No `data` field (or `null`).
    #[default]
    Absent,
    /// `data` is there but not an array.
    NotArray,
    /// The records, each read leniently.
    Items(Vec<UserSpaceQuota>),
}

/// An answer body read without judging it: the classifier decides what it
/// means.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnswerEnvelope {
    /// `code`, when it is a number or a string.
    pub code: Option<ApiCode>,
    /// `msg`, when it is a string.
    pub msg: Option<String>,
    /// `data`.
    pub data: DataField,
    /// `total`, when it is a non-negative whole number.
    pub total: Option<u64>,
}

struct DataVisitor;

impl<'de> Visitor<'de> for DataVisitor {
    type Value = DataField;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DataField, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element::<UserSpaceQuota>()? {
            items.push(item);
        }
        Ok(DataField::Items(items))
    }
    fn visit_unit<E>(self) -> Result<DataField, E> {
        Ok(DataField::Absent)
    }
    fn visit_none<E>(self) -> Result<DataField, E> {
        Ok(DataField::Absent)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DataField, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(DataField::NotArray)
    }
    fn visit_bool<E>(self, _: bool) -> Result<DataField, E> {
        Ok(DataField::NotArray)
    }
    fn visit_i64<E>(self, _: i64) -> Result<DataField, E> {
        Ok(DataField::NotArray)
    }
    fn visit_u64<E>(self, _: u64) -> Result<DataField, E> {
        Ok(DataField::NotArray)
    }
    fn visit_f64<E>(self, _: f64) -> Result<DataField, E> {
        Ok(DataField::NotArray)
    }
    fn visit_str<E>(self, _: &str) -> Result<DataField, E> {
        Ok(DataField::NotArray)
    }
}

impl<'de> Deserialize<'de> for DataField {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DataVisitor)
    }
}

/// Anything but an object: a message of our own, so that no float is ever
/// formatted (serde's default message would, pulling float formatting into
/// every wasm build).
macro_rules! not_an_object {
    ($($method:ident($ty:ty)),*) => {
        $(fn $method<E: serde::de::Error>(self, _: $ty) -> Result<AnswerEnvelope, E> {
            Err(E::custom("the answer is not a JSON object"))
        })*
    };
}

struct EnvelopeVisitor;

impl<'de> Visitor<'de> for EnvelopeVisitor {
    type Value = AnswerEnvelope;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnswerEnvelope, A::Error> {
        let mut env = AnswerEnvelope::default();
        while let Some(key) = next_key(&mut map)? {
            match key.as_str() {
                "code" => {
                    env.code = match map.next_value::<Loose>()? {
                        Loose::Int(i) => i64::try_from(i).ok().map(ApiCode::Number),
                        Loose::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => {
                            Some(ApiCode::Number(f as i64))
                        }
                        Loose::Str(s) => Some(ApiCode::Text(s)),
                        _ => None,
                    }
                }
                "msg" => {
                    env.msg = match map.next_value::<Loose>()? {
                        Loose::Str(s) => Some(s),
                        _ => None,
                    }
                }
                "data" => env.data = map.next_value()?,
                "total" => {
                    env.total = match map.next_value::<Loose>()? {
                        Loose::Int(i) => u64::try_from(i).ok(),
                        Loose::Float(f) if f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 => {
                            Some(f as u64)
                        }
                        _ => None,
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(env)
    }

    not_an_object!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_str(&str)
    );

    fn visit_unit<E: serde::de::Error>(self) -> Result<AnswerEnvelope, E> {
        Err(E::custom("the answer is not a JSON object"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<AnswerEnvelope, A::Error> {
        Err(serde::de::Error::custom("the answer is not a JSON object"))
    }
}

impl<'de> Deserialize<'de> for AnswerEnvelope {
    /// Only a JSON object is accepted; its fields are read leniently.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(EnvelopeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pages_example_answer_reads() {
        let env: AnswerEnvelope = serde_json::from_str(
            r#"{"data":[{"quota":"1048576","userId":"1008600000509220652","used":0}],"total":1,"code":0,"msg":"success"}"#,
        )
        .unwrap();
        assert_eq!(env.code, Some(ApiCode::Number(0)));
        assert_eq!(env.total, Some(1));
        let DataField::Items(items) = env.data else {
            panic!("no items")
        };
        assert_eq!(items[0].quota, "1048576");
    }

    #[test]
    fn gateway_codes_are_strings_and_odd_fields_do_not_fail() {
        let env: AnswerEnvelope =
            serde_json::from_str(r#"{"code":"APIGW.0301","msg":"Incorrect IAM authentication","data":{"x":1},"total":"7"}"#).unwrap();
        assert_eq!(env.code, Some(ApiCode::Text("APIGW.0301".into())));
        assert_eq!(env.data, DataField::NotArray);
        assert_eq!(env.total, None);
        assert!(serde_json::from_str::<AnswerEnvelope>("[1]").is_err());
    }

    #[test]
    fn answers_are_written_with_the_wire_names() {
        let data = [UserSpaceQuota::new("1", 5, 1.0)];
        let json = serde_json::to_string(&UsageAnswer::success(&data, 1)).unwrap();
        assert_eq!(
            json,
            r#"{"code":0,"msg":"success","data":[{"userId":"1","quota":"5","used":1.0}],"total":1}"#
        );
        let err = ErrorAnswer {
            code: ApiCode::Number(13000101),
            msg: "x".into(),
        };
        assert_eq!(
            serde_json::to_string(&err).unwrap(),
            r#"{"code":13000101,"msg":"x"}"#
        );
    }
}
