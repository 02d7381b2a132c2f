//! No input panics: policies, requests, context values and patterns from arbitrary text.

use proptest::prelude::*;
use serde_json::json;

use super::super::pattern::{self, Pattern, Tri};
use super::super::value::{decode_base64, parse_bool, Cidr, Decimal, Instant};
use super::*;

proptest! {
    #[test]
    fn parsers_never_panic(s in ".{0,64}") {
        let _ = Policy::parse("p", &s);
        let _ = Principal::parse(&s);
        let _ = Decimal::parse(&s);
        let _ = Instant::parse(&s);
        let _ = Cidr::parse(&s);
        let _ = decode_base64(&s);
        let _ = parse_bool(&s);
        let _ = Pattern::parse(&s, true, true);
        let mut c = Context::new();
        let _ = c.insert_assignment(&s);
    }

    /// Any value in any condition operator, against any request value: an answer or a typed
    /// error, never a panic.
    #[test]
    fn conditions_never_panic(
        op in prop::sample::select(vec![
            "StringLike", "StringEqualsIgnoreCase", "NumericLessThan", "DateGreaterThanEquals", "Bool",
            "BinaryEquals", "IpAddress", "NotIpAddress", "ArnLike", "ArnNotEquals", "Null",
            "ForAllValues:StringNotLike", "ForAnyValue:ArnLike", "StringEqualsIfExists",
        ]),
        policy_value in "[a-z0-9:/*?.${}' -]{0,24}",
        request_values in prop::collection::vec("[a-z0-9:/*?.=+-]{0,24}", 0..3),
    ) {
        let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*",
                         "Condition": {op: {"k": policy_value}}}]});
        if let Ok(p) = Policy::from_value("p", &doc) {
            let mut r = request(&principal("arn:aws:iam::111122223333:user/u"), "s3:GetObject", "*");
            for v in &request_values {
                r = r.with_context("k", v);
            }
            let _ = evaluate(&r, &Policies::new().identity(&p));
        }
    }

    /// The documented resource match is never wider than the undocumented one, and a plain string
    /// always matches itself.
    #[test]
    fn resource_matching_is_consistent(p in "[ab:/*?]{0,12}", t in "[ab:/]{0,12}") {
        let toks = Pattern::parse(&p, true, false).unwrap().resolve(|_| None).unwrap();
        let r = pattern::resource(&toks, &t);
        if r == Tri::Yes {
            prop_assert!(pattern::like(&toks, &t, false));
        }
        prop_assert_eq!(r == Tri::No, !pattern::like(&toks, &t, false));
        let lit = Pattern::parse(&t, true, false).unwrap().resolve(|_| None).unwrap();
        prop_assert_eq!(pattern::resource(&lit, &t), Tri::Yes);
    }
}
