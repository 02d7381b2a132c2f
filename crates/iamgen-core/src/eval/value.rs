//! Typed condition values: what each condition operator reads a string as.
//!
//! Policies and request contexts carry strings; the operator decides whether a string is a number, a
//! date, a Boolean, an IP address, an ARN or base-64 bytes
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>).
//! Everything here is parsed by hand: the formats are small and a parse must never panic.

use std::cmp::Ordering;
use std::fmt;
use std::net::IpAddr;

/// What an operator expected a value to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// An integer or decimal number (`Numeric*`).
    Number,
    /// A W3C ISO 8601 date or epoch seconds (`Date*`).
    Date,
    /// `true` or `false` (`Bool`).
    Bool,
    /// An IPv4 or IPv6 address, or a CIDR range in a policy (`IpAddress`, `NotIpAddress`).
    IpAddress,
    /// An ARN of six colon-separated parts (`Arn*`).
    Arn,
    /// Base-64 encoded bytes (`BinaryEquals`).
    Base64,
}

impl ValueKind {
    /// What a value of this kind looks like, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            ValueKind::Number => "a number (10, -2.5)",
            ValueKind::Date => {
                "a date: W3C ISO 8601 (2020-01-01, 2020-01-01T00:00:00Z, 2020-01-01T02:00+02:00) or epoch seconds (1577836800)"
            }
            ValueKind::Bool => "a Boolean (true or false)",
            ValueKind::IpAddress => "an IP address or CIDR range (203.0.113.0/24, 2001:db8::/32)",
            ValueKind::Arn => "an ARN (arn:partition:service:region:account:resource)",
            ValueKind::Base64 => "base-64 encoded bytes",
        }
    }
}

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// A value an operator cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{value}' is not {kind}")]
pub struct ValueError {
    /// The value as written.
    pub value: String,
    /// What the operator expected.
    pub kind: ValueKind,
}

impl ValueError {
    pub(crate) fn new(value: &str, kind: ValueKind) -> Self {
        ValueError {
            value: value.to_string(),
            kind,
        }
    }
}

/// An exact decimal number: compared digit by digit, so `10`, `10.0` and `+10` are equal and
/// no precision is lost to floating point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Decimal {
    negative: bool,
    /// Integer digits without leading zeros (empty for zero).
    int: String,
    /// Fraction digits without trailing zeros.
    frac: String,
}

impl Decimal {
    /// `[+-]digits[.digits]`, `.5` and `5.` included; no exponent, no `NaN` or `inf`.
    pub(crate) fn parse(s: &str) -> Result<Decimal, ValueError> {
        let err = || ValueError::new(s, ValueKind::Number);
        let (negative, body) = match s.as_bytes().first() {
            Some(b'-') => (true, &s[1..]),
            Some(b'+') => (false, &s[1..]),
            _ => (false, s),
        };
        let (int, frac) = body.split_once('.').unwrap_or((body, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !digits(int) || !digits(frac) {
            return Err(err());
        }
        let int = int.trim_start_matches('0').to_string();
        let frac = frac.trim_end_matches('0').to_string();
        let zero = int.is_empty() && frac.is_empty();
        Ok(Decimal {
            negative: negative && !zero,
            int,
            frac,
        })
    }

    fn cmp_magnitude(&self, other: &Decimal) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(&other.int))
            .then_with(|| self.frac.cmp(&other.frac))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self.negative, other.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => self.cmp_magnitude(other),
            (true, true) => other.cmp_magnitude(self),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// An instant: seconds since 1970-01-01T00:00:00Z and nanoseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Instant {
    secs: i64,
    nanos: u32,
}

impl Instant {
    /// A date as the `Date*` operators accept it: one of the W3C profiles of ISO 8601
    /// (<http://www.w3.org/TR/NOTE-datetime>: `YYYY-MM`, `YYYY-MM-DD`, `YYYY-MM-DDThh:mmTZD`,
    /// `YYYY-MM-DDThh:mm:ssTZD`, `YYYY-MM-DDThh:mm:ss.sTZD`, with `TZD` = `Z` or `±hh:mm`), or epoch
    /// seconds, as the condition-operators page asks
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date>).
    ///
    /// A bare four-digit value is refused: it is both the W3C year profile and an epoch time, and
    /// AWS does not say which it means. A date and time without a time zone is refused too.
    pub(crate) fn parse(s: &str) -> Result<Instant, ValueError> {
        let err = || ValueError::new(s, ValueKind::Date);
        if s.bytes().all(|b| b.is_ascii_digit()) {
            if s.len() == 4 || s.is_empty() || s.len() > 18 {
                return Err(err());
            }
            let secs = s.parse::<i64>().map_err(|_| err())?;
            return Ok(Instant { secs, nanos: 0 });
        }
        Self::parse_iso(s).ok_or_else(err)
    }

    fn parse_iso(s: &str) -> Option<Instant> {
        let b = s.as_bytes();
        let num = |from: usize, len: usize| -> Option<u32> {
            let part = b.get(from..from + len)?;
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            part.iter()
                .try_fold(0u32, |acc, d| Some(acc * 10 + u32::from(d - b'0')))
        };
        let year = i64::from(num(0, 4)?);
        if b.get(4) != Some(&b'-') {
            return None;
        }
        let month = num(5, 2)?;
        if !(1..=12).contains(&month) {
            return None;
        }
        if b.len() == 7 {
            return Some(Self::from_parts(year, month, 1, 0, 0, 0, 0, 0));
        }
        if b.get(7) != Some(&b'-') {
            return None;
        }
        let day = num(8, 2)?;
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        if b.len() == 10 {
            return Some(Self::from_parts(year, month, day, 0, 0, 0, 0, 0));
        }
        if b.get(10) != Some(&b'T') || b.get(13) != Some(&b':') {
            return None;
        }
        let (hour, minute) = (num(11, 2)?, num(14, 2)?);
        if hour > 23 || minute > 59 {
            return None;
        }
        let mut i = 16;
        let (mut second, mut nanos) = (0, 0);
        if b.get(i) == Some(&b':') {
            second = num(i + 1, 2)?;
            if second > 59 {
                return None;
            }
            i += 3;
            if b.get(i) == Some(&b'.') {
                i += 1;
                let start = i;
                while b.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if i == start {
                    return None;
                }
                let digits = &s[start..i.min(start + 9)];
                let scale = 10u32.pow(9 - digits.len() as u32);
                nanos = digits.parse::<u32>().ok()? * scale;
            }
        }
        let offset = match b.get(i..)? {
            b"Z" => 0,
            [sign @ (b'+' | b'-'), ..] if b.len() == i + 6 && b[i + 3] == b':' => {
                let (h, m) = (num(i + 1, 2)?, num(i + 4, 2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let minutes = i64::from(h * 60 + m);
                if *sign == b'+' {
                    minutes
                } else {
                    -minutes
                }
            }
            _ => return None,
        };
        Some(Self::from_parts(
            year, month, day, hour, minute, second, nanos, offset,
        ))
    }

    #[allow(clippy::too_many_arguments)]
    fn from_parts(
        year: i64,
        month: u32,
        day: u32,
        hour: u32,
        minute: u32,
        second: u32,
        nanos: u32,
        offset_minutes: i64,
    ) -> Instant {
        let days = days_from_civil(year, month, day);
        let secs =
            days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset_minutes * 60;
        Instant { secs, nanos }
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = i64::from((month + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// An IP range: an address and a prefix length. A bare address is `/32` (IPv4) or `/128` (IPv6),
/// as the IP address operators say
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub(crate) fn parse(s: &str) -> Result<Cidr, ValueError> {
        let err = || ValueError::new(s, ValueKind::IpAddress);
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| err())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().map_err(|_| err())?
            }
            Some(_) => return Err(err()),
        };
        if prefix > max {
            return Err(err());
        }
        Ok(Cidr { addr, prefix })
    }

    /// Whether `ip` is in the range; an IPv4 address is never in an IPv6 range or the reverse.
    pub(crate) fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// A request's IP address (no range).
pub(crate) fn parse_ip(s: &str) -> Result<IpAddr, ValueError> {
    s.parse()
        .map_err(|_| ValueError::new(s, ValueKind::IpAddress))
}

/// `true` or `false`, in any case.
pub(crate) fn parse_bool(s: &str) -> Result<bool, ValueError> {
    if s.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if s.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(ValueError::new(s, ValueKind::Bool))
    }
}

/// Standard base-64 (RFC 4648 alphabet), padding optional.
pub(crate) fn decode_base64(s: &str) -> Result<Vec<u8>, ValueError> {
    let err = || ValueError::new(s, ValueKind::Base64);
    let body = s.trim_end_matches('=');
    if s.len() - body.len() > 2 || body.len() % 4 == 1 {
        return Err(err());
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in body.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return Err(err()),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_compare_exactly() {
        let d = |s| Decimal::parse(s).unwrap();
        assert_eq!(d("10"), d("10.0"));
        assert_eq!(d("+10"), d("0010.000"));
        assert_eq!(d("-0"), d("0"));
        assert!(d("9.99") < d("10"));
        assert!(d("-10") < d("-9.5"));
        assert!(d("0.05") < d("0.5"));
        assert!(d("12345678901234567890.1") > d("12345678901234567890"));
        for bad in ["", "-", ".", "1e3", "NaN", "inf", "1.2.3", " 1", "0x10"] {
            assert_eq!(
                Decimal::parse(bad).unwrap_err().kind,
                ValueKind::Number,
                "{bad}"
            );
        }
    }

    #[test]
    fn dates_in_every_w3c_profile_and_epoch() {
        let t = |s| Instant::parse(s).unwrap();
        assert_eq!(t("1970-01-01T00:00:00Z"), t("0"));
        assert_eq!(t("2020-01-01T00:00:00Z"), t("1577836800"));
        assert_eq!(t("2020-01-01"), t("1577836800"));
        assert_eq!(t("2020-01"), t("2020-01-01T00:00Z"));
        assert_eq!(t("2020-01-01T02:00+02:00"), t("2020-01-01T00:00:00Z"));
        assert_eq!(t("2019-12-31T19:00:00-05:00"), t("2020-01-01T00:00:00Z"));
        assert!(t("2020-01-01T00:00:00.5Z") > t("2020-01-01T00:00:00Z"));
        assert_eq!(t("2024-02-29T12:00:00Z"), t("1709208000"));
        for bad in [
            "2020",
            "2023-02-29",
            "2020-13-01",
            "2020-01-01T00:00:00",
            "2020-01-01T24:00:00Z",
            "2020-01-01 00:00:00Z",
            "2020-01-01T00:00:00.Z",
            "yesterday",
            "",
        ] {
            assert_eq!(
                Instant::parse(bad).unwrap_err().kind,
                ValueKind::Date,
                "{bad}"
            );
        }
    }

    #[test]
    fn cidr_ranges() {
        let c = |s| Cidr::parse(s).unwrap();
        let ip = |s| parse_ip(s).unwrap();
        assert!(c("203.0.113.0/24").contains(ip("203.0.113.255")));
        assert!(!c("203.0.113.0/24").contains(ip("203.0.114.0")));
        assert!(c("203.0.113.7").contains(ip("203.0.113.7")));
        assert!(!c("203.0.113.7").contains(ip("203.0.113.8")));
        assert!(c("0.0.0.0/0").contains(ip("8.8.8.8")));
        assert!(c("2001:DB8:1234:5678::/64").contains(ip("2001:db8:1234:5678::1")));
        assert!(!c("2001:DB8:1234:5678::/64").contains(ip("203.0.113.1")));
        assert!(c("::/0").contains(ip("::1")));
        for bad in ["203.0.113.0/33", "203.0.113/24", "10.0.0.0/", "x", "::/129"] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(
            decode_base64("QmluYXJ5VmFsdWVJbkJhc2U2NA==").unwrap(),
            b"BinaryValueInBase64"
        );
        assert_eq!(decode_base64("YQ").unwrap(), b"a");
        assert!(decode_base64("Y").is_err());
        assert!(decode_base64("Y!==").is_err());
    }
}
