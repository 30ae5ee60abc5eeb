//! The findings engine over a million records: how long `findings::diagnose` takes, phase by
//! phase, and the longest single step of the resumable job at the panel's budget.
//!
//! Two captures of 1,000,000 records, shaped like real traffic: `har` as the panel holds an
//! imported WebSocket HAR (one frame hearing both directions, `tests/support/bighar.mjs`'s
//! messages: requests, their answers, interaction events with user data), and `live` as the
//! extension captures it (the Workspace frame receives the requests from its child app frame, the
//! app frame the answers and events; a frameId, a subscription).
//!
//! `--keys N` gives every `userData` N keys instead of bighar's one (attached data in Workspace
//! often has dozens, and the audit's work per read grows with them).
//!
//!   cargo bench -p scapi --bench diagnose [-- --records 1000000] [--keys 16]

use scapi::correlate::correlate_facts;
use scapi::facts::{Facts, Kind};
use scapi::findings::{diagnose, find_facts, AnalysisJob};
use scapi::job::Budget;
use scapi::policy::audit::audit_facts;
use scapi::{decode, FrameInfo, FramePlacement, Record, SourceRelation};
use serde_json::{json, Value};
use std::time::Instant;

fn frame(key: &str, origin: &str, depth: u32) -> FrameInfo {
    FrameInfo {
        key: key.into(),
        url: format!("{origin}/{key}.html"),
        origin: origin.into(),
        is_top: depth == 0,
        placement: FramePlacement {
            depth,
            index_in_parent: (depth > 0).then_some(0),
            has_opener: false,
        },
        browser_frame_id: None,
        started: 0.0,
        ended: None,
    }
}

/// A `userData` of `keys` keys: bighar's `CustomerId`, then `Attached01`….
fn user_data(interaction: usize, keys: usize) -> Value {
    let mut data = serde_json::Map::new();
    data.insert("CustomerId".into(), json!(format!("C-{interaction}")));
    for key in 1..keys {
        data.insert(format!("Attached{key:02}"), json!(format!("value {key}")));
    }
    Value::Object(data)
}

/// The `i`th message of `bighar.mjs`'s traffic: (is a request, data).
fn message(i: usize, keys: usize) -> (bool, Value) {
    let reference = i / 3;
    let interaction = reference % 5000;
    match i % 3 {
        0 if reference.is_multiple_of(4) => (
            true,
            json!({"request": "interaction.setUserData", "parameters": [interaction.to_string(), user_data(interaction, keys)], "referenceId": reference.to_string(), "userAgent": "WWE Client", "protocolVersion": 2}),
        ),
        0 => (
            true,
            json!({"request": "agent.getState", "referenceId": reference.to_string(), "userAgent": "WWE Client", "protocolVersion": 2}),
        ),
        1 => (
            false,
            json!({"referenceId": reference.to_string(), "data": {"state": "Ready"}, "userAgent": "WWE Server", "protocolVersion": 2}),
        ),
        _ => (
            false,
            json!({"event": "interaction", "data": {"eventType": "ATTACHED_DATA_CHANGED", "interaction": {"interactionId": interaction.to_string(), "userData": user_data(interaction, keys)}}, "userAgent": "WWE Server", "protocolVersion": 2}),
        ),
    }
}

fn record(seq: u64, time: f64, origin: &str, source: SourceRelation, raw: Value) -> Facts {
    Facts::of(&Record {
        seq,
        time,
        wall: time,
        origin: origin.into(),
        source,
        child_index: (source == SourceRelation::Child).then_some(0),
        ports: 0,
        decoded: decode(&raw),
        raw,
    })
}

/// An imported WebSocket HAR: one frame, both directions.
fn har(count: usize, keys: usize) -> (Vec<FrameInfo>, Vec<(usize, Facts)>) {
    let frames = vec![frame("har-entry-0", "wss://crm.example", 1)];
    let records = (0..count)
        .map(|i| {
            let (_, raw) = message(i, keys);
            let time = 1_732_467_255_123.0 + i as f64 * 1.25;
            (
                0,
                record(
                    i as u64,
                    time,
                    "wss://crm.example",
                    SourceRelation::Other,
                    raw,
                ),
            )
        })
        .collect();
    (frames, records)
}

/// A live capture: requests received by Workspace (frame 0) from its child app (frame 1), the
/// answers and events received by the app.
fn live(count: usize, keys: usize) -> (Vec<FrameInfo>, Vec<(usize, Facts)>) {
    let frames = vec![
        frame("wwe", "https://wwe.example", 0),
        frame("app", "https://app.example", 1),
    ];
    let mut seqs = [0u64, 0u64];
    let mut records = Vec::with_capacity(count);
    let mut push = |frame: usize, time: f64, origin: &str, source, raw: Value| {
        let seq = seqs[frame];
        seqs[frame] += 1;
        records.push((frame, record(seq, time, origin, source, raw)));
    };
    let t0 = 1_732_467_255_123.0;
    push(
        1,
        t0,
        "https://wwe.example",
        SourceRelation::Parent,
        json!({"frameId": "f-1", "userAgent": "WWE Server", "protocolVersion": 2}),
    );
    push(
        0,
        t0 + 1.0,
        "https://app.example",
        SourceRelation::Child,
        json!({"request": "subscribe", "parameters": [["interaction", "agent"]], "referenceId": "s", "frameId": "f-1", "userAgent": "WWE Client", "protocolVersion": 2}),
    );
    push(
        1,
        t0 + 2.0,
        "https://wwe.example",
        SourceRelation::Parent,
        json!({"referenceId": "s", "data": {"subscriptionId": 1}, "userAgent": "WWE Server", "protocolVersion": 2}),
    );
    for i in 3..count {
        let (request, mut raw) = message(i, keys);
        let time = t0 + i as f64 * 1.25;
        if request {
            raw["frameId"] = json!("f-1");
            push(0, time, "https://app.example", SourceRelation::Child, raw);
        } else {
            push(1, time, "https://wwe.example", SourceRelation::Parent, raw);
        }
    }
    (frames, records)
}

fn ms(since: Instant) -> f64 {
    since.elapsed().as_secs_f64() * 1000.0
}

/// The number after `--name`, or `default` without the flag; a flag without a number ends the
/// bench with its name (cargo passes its own `--bench` too).
fn number_flag(args: &[String], name: &str, default: usize) -> usize {
    let Some(at) = args.iter().position(|a| a == name) else {
        return default;
    };
    match args
        .get(at + 1)
        .map(|value| (value, value.parse::<usize>()))
    {
        Some((_, Ok(n))) if n > 0 => n,
        Some((value, _)) => panic!("{name} wants a positive whole number, not {value:?}"),
        None => panic!("{name} wants a positive whole number after it"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let count = number_flag(&args, "--records", 1_000_000);
    let keys = number_flag(&args, "--keys", 1);
    println!("diagnose: {count} records, {keys} userData keys each");
    for (shape, (frames, owned)) in [("har", har(count, keys)), ("live", live(count, keys))] {
        let records: Vec<(usize, &Facts)> = owned.iter().map(|(f, r)| (*f, r)).collect();
        let calls = records
            .iter()
            .filter(|(_, r)| r.kind() == Kind::Request)
            .count();
        let now = records.last().map_or(0.0, |(_, r)| r.time);
        let started = Instant::now();
        let correlation = correlate_facts(&frames, &records, now);
        let correlate_ms = ms(started);
        let started = Instant::now();
        let audit = audit_facts(&frames, &records, &correlation, None);
        let audit_ms = ms(started);
        let started = Instant::now();
        let found = find_facts(&frames, &records, &correlation);
        let find_ms = ms(started);
        drop((audit, found, correlation));
        let started = Instant::now();
        let diagnosis = diagnose(&frames, &records, now, None);
        let diagnose_ms = ms(started);
        println!(
            "diagnose {shape}: {count} records ({calls} requests), {diagnose_ms:.0} ms (correlate {correlate_ms:.0} ms, audit {audit_ms:.0} ms, find {find_ms:.0} ms); {} exchanges, {} findings",
            diagnosis.correlation.exchanges.len(),
            diagnosis.findings.len()
        );
        let findings = diagnosis.findings.len();
        let started = Instant::now();
        drop(diagnosis);
        let drop_ms = ms(started);
        // The job as the panel runs it: steps of UNITS, the longest step.
        const UNITS: usize = 2000;
        let started = Instant::now();
        let mut job = AnalysisJob::new(&frames, records.len(), now, None);
        let (mut steps, mut longest) = (0, 0.0f64);
        loop {
            let before = job.progress();
            let step = Instant::now();
            let done = job.step(&records, &mut Budget::new(UNITS));
            let took = ms(step);
            if took > 20.0 {
                eprintln!("  step at {before:?} of {count}: {took:.1} ms");
            }
            longest = longest.max(took);
            steps += 1;
            if done {
                break;
            }
        }
        let step_end = Instant::now();
        let stepped = job.finish();
        let finish_ms = ms(step_end);
        assert_eq!(stepped.findings.len(), findings);
        println!(
            "diagnose {shape} stepped: {steps} steps of {UNITS} units in {:.0} ms, longest step {longest:.1} ms; the result dropped in {drop_ms:.0} ms",
            ms(started) - finish_ms
        );
    }
}
