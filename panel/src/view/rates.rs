//! Rate limits per request name: counts per fixed minute, the limit, hits, and quarantine spans on
//! a timeline.

use crate::view::clock;
use scapi::correlate::RecordRef;
use scapi::policy::audit::{Observed, PolicyAudit, RateUsage, RequestCheck};
use scapi::policy::limiter::WINDOW_MS;
use scapi::policy::Verdict;
use yew::prelude::*;

pub fn rates_view(audit: &PolicyAudit, on_show: Callback<Vec<RecordRef>>) -> Html {
    if audit.rates.is_empty() {
        return html! {
            <section class="side rates empty" data-testid="rates-view" aria-label="Rate limits">
                { "No requests captured yet." }
            </section>
        };
    }
    // Busiest and limited names first: that is where a limit bites.
    let mut usages: Vec<&RateUsage> = audit.rates.iter().collect();
    usages.sort_by_key(|usage| {
        let busiest = usage.windows.iter().map(|w| w.arrived).max().unwrap_or(0);
        (usage.hits.is_empty(), std::cmp::Reverse(busiest))
    });
    html! {
        <section class="side rates" data-testid="rates-view" aria-label="Rate limits">
            <h2>{ "Rate limits" }</h2>
            <p class="muted">{ "Workspace counts requests per fixed minute (on the minute, not sliding). The first request over a limit gets the explicit error; the next ones of that name are ignored until the quarantine ends." }</p>
            { for usages.into_iter().map(|usage| usage_view(usage, audit, on_show.clone())) }
        </section>
    }
}

fn limit_text(usage: &RateUsage) -> String {
    match (usage.limit, usage.global_limit, usage.inferred_limit) {
        (Some(limit), _, _) if limit > 0 => format!("limit {limit} per minute"),
        (_, Some(global), _) if global > 0 => format!("global limit {global} per minute"),
        (Some(_), _, _) => "no limit".to_owned(),
        _ => "limit unknown (paste the options)".to_owned(),
    }
}

fn usage_view(usage: &RateUsage, audit: &PolicyAudit, on_show: Callback<Vec<RecordRef>>) -> Html {
    let arrivals: Vec<&RequestCheck> = audit
        .requests
        .iter()
        .filter(|check| check.name == usage.request)
        .collect();
    let inferred = audit
        .inferred
        .limits
        .iter()
        .find(|limit| limit.request == usage.request && limit.request_count > 0)
        .map(|limit| format!("; the capture suggests {} per minute", limit.request_count))
        .unwrap_or_default();
    let hits = usage.hits.clone();
    let show_hits = {
        let on_show = on_show.clone();
        Callback::from(move |_| on_show.emit(hits.clone()))
    };
    html! {
        <article class="rate" data-testid="rate-usage" data-request={usage.request.clone()}
            data-hits={usage.hits.len().to_string()}>
            <h3>
                <span class="name">{ usage.request.clone() }</span>
                <span class="muted">{ format!(" — {}{inferred}", limit_text(usage)) }</span>
            </h3>
            { timeline(usage, &arrivals) }
            <table class="windows">
                <thead><tr><th>{ "Minute" }</th><th>{ "Arrived" }</th><th>{ "Carried out" }</th><th>{ "Refused or ignored" }</th></tr></thead>
                <tbody>
                    { for usage.windows.iter().map(|window| html! {
                        <tr data-testid="rate-window" data-arrived={window.arrived.to_string()} data-counted={window.counted.to_string()}>
                            <td>{ clock(window.start) }</td>
                            <td>{ window.arrived }</td>
                            <td>{ window.counted }</td>
                            <td>{ window.arrived - window.counted }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            if !usage.hits.is_empty() {
                <button type="button" class="link" onclick={show_hits}>
                    { format!("Show {} rate-limit hit(s)", usage.hits.len()) }
                </button>
            }
        </article>
    }
}

/// Requests as ticks, minutes as bands, quarantines as spans, across the name's active time.
fn timeline(usage: &RateUsage, arrivals: &[&RequestCheck]) -> Html {
    let first = usage.windows.first().map_or(0.0, |w| w.start);
    let mut last = usage.windows.last().map_or(first, |w| w.start) + WINDOW_MS;
    for quarantine in &usage.quarantines {
        // A quarantine until reload runs to the end of the strip.
        if let Some(until) = quarantine.until {
            last = last.max(until);
        }
    }
    let span = (last - first).max(1.0);
    let at = |time: f64| ((time - first) / span * 100.0).clamp(0.0, 100.0);
    let bands: Html = usage
        .windows
        .iter()
        .map(|window| {
            let style = format!(
                "left:{:.3}%;width:{:.3}%",
                at(window.start),
                at(window.start + WINDOW_MS) - at(window.start)
            );
            html! { <span class="band" {style}></span> }
        })
        .collect();
    let quarantines: Html = usage
        .quarantines
        .iter()
        .map(|quarantine| {
            let end = quarantine.until.map_or(100.0, at);
            let style = format!(
                "left:{:.3}%;width:{:.3}%",
                at(quarantine.since),
                (end - at(quarantine.since)).max(0.3)
            );
            let title = format!(
                "{} quarantine from {} {}",
                if quarantine.predicted {
                    "Predicted"
                } else {
                    "Announced"
                },
                clock(quarantine.since),
                quarantine
                    .until
                    .map_or("until Workspace reloads".to_owned(), |until| format!(
                        "to {}",
                        clock(until)
                    ))
            );
            html! {
                <span class={classes!("quarantine", quarantine.predicted.then_some("predicted"))}
                    data-testid="quarantine-span" data-predicted={quarantine.predicted.to_string()}
                    {style} {title}></span>
            }
        })
        .collect();
    let ticks: Html = arrivals
        .iter()
        .map(|check| {
            let class = tick_class(check);
            let style = format!("left:{:.3}%", at(check.at));
            let title = format!("{} {}", clock(check.at), check.observed.label());
            html! { <span class={classes!("tick", class)} {style} {title}></span> }
        })
        .collect();
    html! {
        <div class="timeline" role="img" aria-label={format!("{} requests over time, with quarantines", usage.request)}>
            { bands }{ quarantines }{ ticks }
        </div>
    }
}

fn tick_class(check: &RequestCheck) -> &'static str {
    match (&check.verdict, &check.observed) {
        (Some(Verdict::RateLimitReached { .. }), _)
        | (
            _,
            Observed::Failed {
                rate_limit: Some(_),
                ..
            },
        ) => "hit",
        (Some(Verdict::InQuarantine { .. }), _) | (_, Observed::NoAnswer) => "ignored",
        (Some(verdict), _) if !verdict.is_allowed() => "refused",
        _ => "ok",
    }
}
