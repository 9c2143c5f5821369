//! Receipt links (`/api/proposals/receipt?…`): any query either is a link this app signed or
//! gets a 404, never a panic; and every link the app signs opens.
#![no_main]

use bytes::Bytes;
use functions::receipt::{receipt, url};
use functions::testing;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str, u32)| {
    let (query, id, version) = input;
    let config = functions::Config {
        mail_from: testing::MAIL_FROM.into(),
        signing_key: "fuzz secret".into(),
        ip_hash_key: "fuzz ip key".into(),
        after_submit: functions::AfterSubmit::Nothing,
        site_url: None,
    };
    let registry = testing::registry();
    let request = |target: &str| http::Request::get(target).body(Bytes::new());
    // Arbitrary queries: a 404 unless the signature is right, which fuzzing cannot guess.
    if let Ok(request) = request(&format!("/api/proposals/receipt?{query}")) {
        let status = receipt(&request, &registry, &config).status();
        assert!(status == 404 || status == 200, "{status}");
    }
    // Signed links open, whatever id and version they carry.
    let signed = url(&config.signing_key, testing::OPEN, id, version);
    let status = receipt(&request(&signed).unwrap(), &registry, &config).status();
    assert_eq!(status, 200, "{signed}");
});
