//! How PostgreSQL's column types become [`Value`]s: one rule per type, and an
//! error for a type the store does not read.

use super::Value;
use crate::StoreError;
use postgres::types::{FromSql, Type};

/// Whether the store reads a PostgreSQL column type. The rule is one per type, whatever the value: integers and booleans
/// are [`Value::Int`], floating-point numbers [`Value::Real`], the textual types
/// [`Value::Text`], `bytea` [`Value::Blob`], and `numeric` (what `SUM` and `AVG`
/// of integers return) by its scale: a scale of 0 is an integer, read as
/// [`Value::Int`] (one that does not fit 64 bits is an error, never rounded),
/// any other scale is read as the nearest [`Value::Real`], as SQLite's `AVG`
/// gives it. Anything else (times, JSON, arrays, …) is an error naming the
/// column and its type ([`pg_unreadable`]) rather than a guess; cast it in
/// the query.
pub(super) fn pg_readable(ty: &Type) -> bool {
    matches!(
        *ty,
        Type::INT8
            | Type::INT4
            | Type::INT2
            | Type::OID
            | Type::BOOL
            | Type::FLOAT8
            | Type::FLOAT4
            | Type::NUMERIC
            | Type::BYTEA
            | Type::TEXT
            | Type::VARCHAR
            | Type::BPCHAR
            | Type::NAME
            | Type::UNKNOWN
            | Type::VOID
    )
}

pub(super) fn pg_unreadable(column: &postgres::Column) -> StoreError {
    StoreError::Decode(format!(
        "column {} has the PostgreSQL type {}, which the store does not read (cast it in the query)",
        column.name(),
        column.type_()
    ))
}

pub(super) fn pg_value(row: &postgres::Row, i: usize) -> Result<Value, StoreError> {
    let column = &row.columns()[i];
    let d = |e: postgres::Error| {
        let why = std::error::Error::source(&e).map_or(e.to_string(), |s| s.to_string());
        StoreError::Decode(format!("column {}: {why}", column.name()))
    };
    Ok(match *column.type_() {
        Type::INT8 => row
            .try_get::<_, Option<i64>>(i)
            .map_err(d)?
            .map_or(Value::Null, Value::Int),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(i)
            .map_err(d)?
            .map_or(Value::Null, |v| Value::Int(v.into())),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(i)
            .map_err(d)?
            .map_or(Value::Null, |v| Value::Int(v.into())),
        Type::OID => row
            .try_get::<_, Option<u32>>(i)
            .map_err(d)?
            .map_or(Value::Null, |v| Value::Int(v.into())),
        Type::BOOL => row
            .try_get::<_, Option<bool>>(i)
            .map_err(d)?
            .map_or(Value::Null, |v| Value::Int(v.into())),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(i)
            .map_err(d)?
            .map_or(Value::Null, Value::Real),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(i)
            .map_err(d)?
            .map_or(Value::Null, |v| Value::Real(v.into())),
        Type::NUMERIC => row
            .try_get::<_, Option<PgNumeric>>(i)
            .map_err(d)?
            .map_or(Value::Null, |n| n.0),
        Type::BYTEA => row
            .try_get::<_, Option<Vec<u8>>>(i)
            .map_err(d)?
            .map_or(Value::Null, Value::Blob),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => row
            .try_get::<_, Option<String>>(i)
            .map_err(d)?
            .map_or(Value::Null, Value::Text),
        Type::VOID => Value::Null,
        _ => return Err(pg_unreadable(column)),
    })
}

/// A `numeric` read by the rule of [`pg_readable`].
struct PgNumeric(Value);

impl<'a> FromSql<'a> for PgNumeric {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(PgNumeric(numeric_value(raw)?))
    }
    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

/// Decodes PostgreSQL's binary `numeric`: a count of base-10000 digits, the
/// weight of the first one, a sign and the display scale, then the digits.
fn numeric_value(raw: &[u8]) -> Result<Value, String> {
    let word = |k: usize| {
        raw.get(2 * k..2 * k + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "truncated numeric".to_string())
    };
    let ndigits = usize::from(word(0)?);
    let weight = i64::from(word(1)? as i16);
    let sign = word(2)?;
    let scale = word(3)?;
    let negative = match sign {
        0x0000 => false,
        0x4000 => true,
        0xC000 => return Ok(Value::Real(f64::NAN)),
        0xD000 => return Ok(Value::Real(f64::INFINITY)),
        0xF000 => return Ok(Value::Real(f64::NEG_INFINITY)),
        other => return Err(format!("numeric with an unknown sign {other:#x}")),
    };
    let mut mantissa = String::with_capacity(4 * ndigits + 1);
    if negative {
        mantissa.push('-');
    }
    for k in 0..ndigits {
        let digit = word(4 + k)?;
        if digit > 9999 {
            return Err("numeric with a digit out of range".into());
        }
        mantissa.push_str(&format!("{digit:04}"));
    }
    if ndigits == 0 {
        mantissa.push('0');
    }
    // the value is mantissa × 10^exponent
    let exponent = 4 * (weight + 1 - ndigits as i64);
    if scale > 0 {
        return format!("{mantissa}e{exponent}")
            .parse::<f64>()
            .map(Value::Real)
            .map_err(|e| format!("numeric: {e}"));
    }
    let too_big = || "numeric integer does not fit in 64 bits".to_string();
    let mut v: i64 = mantissa.parse().map_err(|_| too_big())?;
    if exponent < 0 {
        // a scale of 0 has no fractional digits; a stored fraction is dropped by it
        let shift = u32::try_from(-exponent).map_err(|_| too_big())?;
        v = 10i64.checked_pow(shift).map_or(0, |p| v / p);
    } else {
        let shift = u32::try_from(exponent).map_err(|_| too_big())?;
        v = 10i64
            .checked_pow(shift)
            .and_then(|p| v.checked_mul(p))
            .ok_or_else(too_big)?;
    }
    Ok(Value::Int(v))
}
