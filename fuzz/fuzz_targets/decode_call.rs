//! Arbitrary JSON as the parameters of a catalog request: the first byte picks the request name,
//! the rest is the `parameters` value. `requests::decode_call` reads whatever `sendMessage` put on
//! the wire, so it may never panic, and its typed reading must survive the trip to the panel
//! (serialized in the content script, read back in the panel) unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use scapi::requests::{catalog, decode_call, TypedCall};
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let spec = &catalog()[usize::from(pick) % catalog().len()];
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(parameters) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let typed = decode_call(spec.name, Some(&parameters));
    let json = serde_json::to_string(&typed).expect("a typed call serializes");
    let again: TypedCall = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("{}: a typed call does not read back ({e}): {json}", spec.name));
    assert_eq!(again, typed, "{}: the typed call changed on the way: {json}", spec.name);
    let _ = decode_call(spec.name, None);
});
