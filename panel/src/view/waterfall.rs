//! The overview above the list: a lane per frame over the capture's time, with each request's
//! span until its answer (coloured by how it went), events as ticks, and rate-limit quarantine
//! spans. Drawn on a canvas (100,000 records would be too many elements); a click picks a time.

use crate::analysis::Analysis;
use crate::store::Store;
use crate::view::frame_label;
use scapi::correlate::{Client, ExchangeState, CLIENT_TIMEOUT_MS};
use scapi::facts::Kind;
use yew::prelude::*;

pub const LANE_HEIGHT: f64 = 14.0;
pub const LABEL_WIDTH: f64 = 130.0;
pub const AXIS_HEIGHT: f64 = 14.0;

/// What the overview draws, in time (epoch ms) and lanes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Overview {
    pub start: f64,
    pub end: f64,
    pub lanes: Vec<String>,
    /// (lane, from, to, state).
    pub spans: Vec<(usize, f64, f64, ExchangeState)>,
    /// (lane, time).
    pub events: Vec<(usize, f64)>,
    /// (from, to): quarantines, drawn across every lane that received requests.
    pub quarantines: Vec<(f64, f64)>,
    /// Lanes of frames that received requests (Workspace).
    pub workspace_lanes: Vec<usize>,
}

impl Overview {
    pub fn of(store: &Store, analysis: &Analysis, now: f64) -> Overview {
        let entries = store.entries();
        let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
            return Overview::default();
        };
        let frames = store.frames();
        let mut lane_of = vec![None; frames.len()];
        let mut lanes = Vec::new();
        let mut workspace_lanes = Vec::new();
        let mut lane = |frame: usize, lanes: &mut Vec<String>| -> usize {
            *lane_of[frame].get_or_insert_with(|| {
                lanes.push(frame_label(&frames[frame].info.url));
                lanes.len() - 1
            })
        };
        let mut events = Vec::new();
        for entry in entries {
            let at = lane(entry.frame as usize, &mut lanes);
            match entry.kind() {
                Kind::Event | Kind::FrameId => events.push((at, entry.time())),
                kind if kind.is_call() && !workspace_lanes.contains(&at) => {
                    workspace_lanes.push(at)
                }
                _ => {}
            }
        }
        let mut spans = Vec::new();
        // Exchanges of one app follow one another: its frame is looked up once per run.
        let mut known: Option<(&str, Option<u32>)> = None;
        for exchange in &analysis.correlation.exchanges {
            let Some(from) = exchange.requested_at else {
                continue;
            };
            // The span belongs to the app that asked; an unresolved app to the frame that heard it.
            let key = match &exchange.client {
                Client::Frame { frame } => &**frame,
                Client::Unresolved { receiver, .. } => &**receiver,
            };
            let frame = match known {
                Some((seen, frame)) if seen == key => frame,
                _ => {
                    let frame = store.frame_position(key);
                    known = Some((key, frame));
                    frame
                }
            };
            let Some(frame) = frame else {
                continue;
            };
            let to = exchange
                .answered_at
                .unwrap_or_else(|| now.min(from + CLIENT_TIMEOUT_MS));
            spans.push((
                lane(frame as usize, &mut lanes),
                from,
                to.max(from),
                exchange.state,
            ));
        }
        let quarantines = analysis
            .audit
            .rates
            .iter()
            .flat_map(|usage| usage.quarantines.iter())
            .map(|q| (q.since, q.until.unwrap_or(f64::INFINITY)))
            .collect();
        let end = last.time().max(first.time() + 1.0);
        Overview {
            start: first.time(),
            end,
            lanes,
            spans,
            events,
            quarantines,
            workspace_lanes,
        }
    }

    pub fn height(&self) -> f64 {
        AXIS_HEIGHT + self.lanes.len().max(1) as f64 * LANE_HEIGHT
    }

    /// The time at an x position on a canvas of `width` pixels.
    pub fn time_at(&self, x: f64, width: f64) -> f64 {
        let plot = (width - LABEL_WIDTH).max(1.0);
        self.start + ((x - LABEL_WIDTH) / plot).clamp(0.0, 1.0) * (self.end - self.start)
    }
}

/// The canvas; `on_pick` gets the time clicked.
pub fn waterfall(overview: &Overview, canvas: NodeRef, on_pick: Callback<f64>) -> Html {
    let height = overview.height();
    let onclick = {
        let overview = overview.clone();
        let canvas = canvas.clone();
        Callback::from(move |event: MouseEvent| {
            if let Some(element) = canvas.cast::<web_sys::HtmlCanvasElement>() {
                let width = f64::from(element.client_width());
                on_pick.emit(overview.time_at(f64::from(event.offset_x()), width));
            }
        })
    };
    // The labels are text over the canvas, coloured by the theme's CSS: drawn into the canvas
    // they kept the colours of the moment they were drawn (dark on dark after a theme change).
    let labels: Html = overview
        .lanes
        .iter()
        .enumerate()
        .map(|(lane, label)| {
            let top = AXIS_HEIGHT + lane as f64 * LANE_HEIGHT;
            html! {
                <span class="lane-label" data-testid="lane-label" title={label.clone()}
                    style={format!("top:{top}px;height:{LANE_HEIGHT}px;line-height:{LANE_HEIGHT}px;width:{LABEL_WIDTH}px")}>
                    { truncate(label, 22) }
                </span>
            }
        })
        .collect();
    html! {
        <div class="waterfall" data-testid="waterfall" data-lanes={overview.lanes.len().to_string()}
            data-spans={overview.spans.len().to_string()} data-events={overview.events.len().to_string()}
            data-quarantines={overview.quarantines.len().to_string()}>
            <div class="overview-plot">
                <canvas ref={canvas} style={format!("height:{height}px")} {onclick}
                    role="img" aria-label={format!("Overview: {} frames, {} requests, {} events, {} quarantines; click to jump to a time",
                        overview.lanes.len(), overview.spans.len(), overview.events.len(), overview.quarantines.len())}></canvas>
                <div class="overview-labels" aria-hidden="true">
                    <span class="axis-label" style={format!("left:{}px", LABEL_WIDTH + 2.0)}>{ crate::view::clock(overview.start) }</span>
                    <span class="axis-label end">{ crate::view::clock(overview.end) }</span>
                    { labels }
                </div>
            </div>
        </div>
    }
}

/// Colours of the current theme, read from CSS variables.
#[cfg(target_arch = "wasm32")]
fn color(style: &web_sys::CssStyleDeclaration, name: &str, fallback: &str) -> String {
    style
        .get_property_value(name)
        .ok()
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
        .unwrap_or_else(|| fallback.to_owned())
}

/// Colours of a theme, as `extension/panel.css` sets them, for when its variables cannot be
/// read.
pub struct Palette {
    pub line: &'static str,
    pub ok: &'static str,
    pub error: &'static str,
    pub warning: &'static str,
    pub event: &'static str,
}

pub const LIGHT: Palette = Palette {
    line: "#e0e0e0",
    ok: "#188038",
    error: "#c5221f",
    warning: "#b06000",
    event: "#1a73e8",
};

pub const DARK: Palette = Palette {
    line: "#3c4043",
    ok: "#81c995",
    error: "#f28b82",
    warning: "#fdd663",
    event: "#8ab4f8",
};

/// The page shows the dark theme: DevTools said so (`data-theme="dark"`), or it follows the
/// system (`auto`) and the system is dark.
#[cfg(target_arch = "wasm32")]
fn is_dark(window: &web_sys::Window, root: Option<&web_sys::Element>) -> bool {
    match root
        .and_then(|root| root.get_attribute("data-theme"))
        .as_deref()
    {
        Some("dark") => true,
        Some("light") => false,
        _ => window
            .match_media("(prefers-color-scheme: dark)")
            .ok()
            .flatten()
            .is_some_and(|query| query.matches()),
    }
}

/// Draws the overview on its canvas (after the canvas is in the page).
#[cfg(target_arch = "wasm32")]
pub fn draw(overview: &Overview, canvas: &NodeRef) {
    use wasm_bindgen::JsCast;
    let Some(canvas) = canvas.cast::<web_sys::HtmlCanvasElement>() else {
        return;
    };
    let Some(window) = web_sys::window() else {
        return;
    };
    let ratio = window.device_pixel_ratio().max(1.0);
    let width = f64::from(canvas.client_width()).max(1.0);
    let height = overview.height();
    canvas.set_width((width * ratio) as u32);
    canvas.set_height((height * ratio) as u32);
    let Some(context) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let _ = context.scale(ratio, ratio);
    // The theme's variables are on the root element; when they cannot be read, the fallbacks
    // follow the theme too (dark text on the dark theme's background was unreadable).
    let root = window
        .document()
        .and_then(|document| document.document_element());
    let style = root
        .as_ref()
        .and_then(|root| window.get_computed_style(root).ok().flatten())
        .or_else(|| window.get_computed_style(&canvas).ok().flatten())
        .expect("a canvas in the page has a style");
    let dark = is_dark(&window, root.as_ref());
    let palette = if dark { &DARK } else { &LIGHT };
    let (line, ok, error, warning, event) = (
        color(&style, "--line", palette.line),
        color(&style, "--to-app", palette.ok),
        color(&style, "--error", palette.error),
        color(&style, "--warning", palette.warning),
        color(&style, "--to-wwe", palette.event),
    );
    context.clear_rect(0.0, 0.0, width, height);
    let plot = (width - LABEL_WIDTH).max(1.0);
    let span = (overview.end - overview.start).max(1.0);
    let x = |time: f64| LABEL_WIDTH + ((time - overview.start) / span).clamp(0.0, 1.0) * plot;
    let lane_top = |lane: usize| AXIS_HEIGHT + lane as f64 * LANE_HEIGHT;

    // Lane and axis labels are HTML over the canvas (see `waterfall`).
    context.set_stroke_style_str(&line);
    for lane in 0..overview.lanes.len() {
        let top = lane_top(lane);
        context.begin_path();
        context.move_to(LABEL_WIDTH, top + LANE_HEIGHT - 0.5);
        context.line_to(width, top + LANE_HEIGHT - 0.5);
        context.stroke();
    }
    // Quarantines first, under everything else.
    context.set_fill_style_str(&warning);
    context.set_global_alpha(0.25);
    for &(from, to) in &overview.quarantines {
        let (left, right) = (x(from), if to.is_finite() { x(to) } else { width });
        for &lane in &overview.workspace_lanes {
            context.fill_rect(
                left,
                lane_top(lane),
                (right - left).max(2.0),
                LANE_HEIGHT - 1.0,
            );
        }
    }
    context.set_global_alpha(1.0);
    // Spans: with a million records, hundreds of thousands of them fall on a few hundred pixels.
    // Per lane and colour, overlapping ones (in pixels) are drawn as one rectangle, a colour at a
    // time (failures over answers): a few thousand canvas calls instead of one (and a colour
    // change) per request.
    let colours = [&ok, &warning, &error];
    for (index, fill) in colours.iter().enumerate() {
        context.set_fill_style_str(fill);
        let mut open: Vec<Option<(f64, f64)>> = vec![None; overview.lanes.len()];
        let flush = |lane: usize, (left, right): (f64, f64)| {
            context.fill_rect(left, lane_top(lane) + 3.0, right - left, LANE_HEIGHT - 7.0);
        };
        for &(lane, from, to, state) in &overview.spans {
            let colour = match state {
                ExchangeState::Answered | ExchangeState::Sent => 0,
                ExchangeState::Late | ExchangeState::Pending => 1,
                ExchangeState::Failed | ExchangeState::TimedOut | ExchangeState::Orphan => 2,
            };
            if colour != index || lane >= open.len() {
                continue;
            }
            let left = x(from);
            let right = left + (x(to) - left).max(1.5);
            open[lane] = match open[lane] {
                Some((start, end)) if left <= end + 0.5 && right >= start - 0.5 => {
                    Some((start.min(left), end.max(right)))
                }
                Some(drawn) => {
                    flush(lane, drawn);
                    Some((left, right))
                }
                None => Some((left, right)),
            };
        }
        for (lane, rect) in open.into_iter().enumerate() {
            if let Some(rect) = rect {
                flush(lane, rect);
            }
        }
    }
    // Events: one tick per pixel column is enough, however many there are.
    context.set_fill_style_str(&event);
    let columns = width.ceil() as usize + 1;
    let mut drawn = vec![false; overview.lanes.len() * columns];
    for &(lane, time) in &overview.events {
        let column = x(time).floor().max(0.0) as usize;
        let Some(seen) = drawn.get_mut(lane * columns + column.min(columns - 1)) else {
            continue;
        };
        if !*seen {
            *seen = true;
            context.fill_rect(column as f64, lane_top(lane) + 1.0, 1.0, LANE_HEIGHT - 3.0);
        }
    }
}

fn truncate(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_map_to_the_plot_and_back() {
        let overview = Overview {
            start: 1000.0,
            end: 2000.0,
            ..Overview::default()
        };
        assert_eq!(overview.time_at(LABEL_WIDTH, 1130.0), 1000.0);
        assert_eq!(overview.time_at(LABEL_WIDTH + 500.0, 1130.0), 1500.0);
        assert_eq!(
            overview.time_at(0.0, 1130.0),
            1000.0,
            "the labels pick the start"
        );
        assert_eq!(truncate("workspace.html?x=1", 9), "workspace…");
    }
}
