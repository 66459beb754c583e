//! Small hand-written SVG line charts: a title and description for screen readers, axes with
//! labelled ticks, one line per series and a legend. The data table is always shown beside
//! the chart on the page, so nothing is only in the picture.

use std::fmt::Write;

use crate::DocumentError;

pub struct Series {
    pub label: String,
    /// (year, value) points; missing years are gaps.
    pub points: Vec<(i64, Option<f64>)>,
    pub emphasis: bool,
}

const W: f64 = 640.0;
const H: f64 = 280.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 36.0;
/// Told apart with any colour vision (Okabe and Ito's palette, darkened where needed so every
/// colour keeps a 3:1 contrast with the white page); bars carry their values as text and
/// lines their own dash pattern, so no chart rests on colour alone.
const COLOURS: &[&str] = &[
    "#0072b2", "#d55e00", "#009e73", "#aa4499", "#8a6a00", "#332288",
];
const DASHES: &[&str] = &["", "6 4", "2 3", "10 3 2 3", "4 2", "1 2"];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A "nice" step for about five ticks over `span`.
fn nice_step(span: f64) -> f64 {
    let raw = (span / 5.0).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// A horizontal gridline at `py` labelled `value` on the left axis.
fn gridline(svg: &mut String, value: f64, py: f64, colour: &str) {
    let _ = write!(
        svg,
        r#"<line x1="{LEFT}" x2="{}" y1="{py:.1}" y2="{py:.1}" stroke="{colour}"/><text x="{}" y="{:.1}" text-anchor="end" font-size="12">{}</text>"#,
        W - RIGHT,
        LEFT - 6.0,
        py + 4.0,
        trim_number(value),
    );
}

/// Series `i` as a path in its colour and dash pattern, lifting the pen over missing years.
fn line_path(
    svg: &mut String,
    s: &Series,
    i: usize,
    x: &impl Fn(i64) -> f64,
    y: &impl Fn(f64) -> f64,
) {
    let colour = COLOURS[i % COLOURS.len()];
    let dash = DASHES[i % DASHES.len()];
    let width = if s.emphasis { 3.5 } else { 2.0 };
    let mut d = String::new();
    let mut pen_down = false;
    for (yr, v) in &s.points {
        match v {
            Some(v) => {
                let _ = write!(
                    d,
                    "{}{:.1},{:.1} ",
                    if pen_down { "L" } else { "M" },
                    x(*yr),
                    y(*v)
                );
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    let _ = write!(
        svg,
        r#"<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}" stroke-dasharray="{dash}"><title>{}</title></path>"#,
        esc(&s.label)
    );
}

pub fn line_chart(id: &str, title: &str, desc: &str, series: &[Series]) -> String {
    let years: Vec<i64> = {
        let mut y: Vec<i64> = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .collect();
        y.sort_unstable();
        y.dedup();
        y
    };
    let values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().filter_map(|p| p.1))
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc)
    );
    if years.is_empty() || values.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">No published values</text></svg>"#,
            W / 2.0,
            H / 2.0
        );
        return svg;
    }
    let max = values.iter().cloned().fold(f64::MIN, f64::max);
    let step = nice_step(max.max(1.0));
    let top = (max / step).ceil().max(1.0) * step;
    let (y0, y1) = (years[0], *years.last().unwrap_or(&years[0]));
    let x = |y: i64| {
        LEFT + (W - LEFT - RIGHT)
            * if y1 > y0 {
                (y - y0) as f64 / (y1 - y0) as f64
            } else {
                0.5
            }
    };
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v / top);
    let mut t = 0.0;
    while t <= top + 1e-9 {
        gridline(&mut svg, t, y(t), "#d8d8d8");
        t += step;
    }
    for yr in &years {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" text-anchor="middle" font-size="12">{yr}</text>"#,
            x(*yr),
            H - BOTTOM + 18.0
        );
    }
    for (i, s) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        line_path(&mut svg, s, i, &x, &y);
        for (yr, v) in &s.points {
            if let Some(v) = v {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="{}" fill="{colour}"><title>{} {yr}: {}</title></circle>"#,
                    x(*yr),
                    y(*v),
                    if s.emphasis { 4 } else { 3 },
                    esc(&s.label),
                    trim_number(*v)
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A band between two values a year (P10 to P90, say), drawn shaded behind the lines.
pub struct Fan {
    pub label: String,
    /// (year, low, high).
    pub points: Vec<(i64, f64, f64)>,
}

/// A fan chart: shaded bands with lines over them (the first line in the first band's
/// colour), on an axis that takes in negative values (a gap below zero: more than needed)
/// with zero marked. With `from_zero` false the axis spans the values alone (a level that
/// changes by a few per cent would be a flat line over an axis from zero); the description
/// should say so. Lines keep their own dash patterns, so the chart does not rest on colour
/// alone; the table beside it holds every value.
pub fn fan_chart(
    id: &str,
    title: &str,
    desc: &str,
    fans: &[Fan],
    series: &[Series],
    from_zero: bool,
) -> String {
    let mut years: Vec<i64> = fans
        .iter()
        .flat_map(|f| f.points.iter().map(|p| p.0))
        .chain(series.iter().flat_map(|s| s.points.iter().map(|p| p.0)))
        .collect();
    years.sort_unstable();
    years.dedup();
    let values: Vec<f64> = fans
        .iter()
        .flat_map(|f| f.points.iter().flat_map(|p| [p.1, p.2]))
        .chain(
            series
                .iter()
                .flat_map(|s| s.points.iter().filter_map(|p| p.1)),
        )
        .filter(|v| v.is_finite())
        .collect();
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc)
    );
    let (Some(first), Some(last)) = (years.first().copied(), years.last().copied()) else {
        svg.push_str(r#"<text x="320" y="140" text-anchor="middle">Nothing to show</text></svg>"#);
        return svg;
    };
    let start = if from_zero {
        0.0
    } else {
        values.first().copied().unwrap_or(0.0)
    };
    let max = values.iter().copied().fold(start, f64::max);
    let min = values.iter().copied().fold(start, f64::min);
    let step = nice_step((max - min).max(1.0));
    let top = if from_zero {
        (max / step).ceil().max(if min < 0.0 { 0.0 } else { 1.0 }) * step
    } else {
        (max / step).ceil() * step
    };
    let bottom = (min / step).floor() * step;
    let top = if top <= bottom { bottom + step } else { top };
    let x = |y: i64| {
        LEFT + (W - LEFT - RIGHT)
            * if last > first {
                (y - first) as f64 / (last - first) as f64
            } else {
                0.5
            }
    };
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (top - v) / (top - bottom);
    let mut t = bottom;
    while t <= top + 1e-9 {
        let zero = t.abs() < 1e-9;
        gridline(&mut svg, t, y(t), if zero { "#505a5f" } else { "#d8d8d8" });
        t += step;
    }
    // a year label for every year up to eleven, else every other
    let every = if years.len() > 11 { 2 } else { 1 };
    for yr in years.iter().step_by(every) {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" text-anchor="middle" font-size="12">{yr}</text>"#,
            x(*yr),
            H - BOTTOM + 18.0
        );
    }
    for (i, f) in fans.iter().enumerate() {
        let upper = f.points.iter().map(|(yr, _, high)| (x(*yr), y(*high)));
        let lower = f.points.iter().rev().map(|(yr, low, _)| (x(*yr), y(*low)));
        let d: Vec<String> = upper
            .chain(lower)
            .map(|(px, py)| format!("{px:.1},{py:.1}"))
            .collect();
        let _ = write!(
            svg,
            r#"<polygon points="{}" fill="{}" fill-opacity="0.18" stroke="none"><title>{}</title></polygon>"#,
            d.join(" "),
            COLOURS[i % COLOURS.len()],
            esc(&f.label)
        );
    }
    for (i, s) in series.iter().enumerate() {
        line_path(&mut svg, s, i, &x, &y);
    }
    svg.push_str("</svg>");
    svg
}

/// The legend of a fan chart: its bands as shaded swatches, then its lines.
pub fn fan_legend(fans: &[Fan], series: &[Series]) -> String {
    let mut out = String::from(r#"<ul class="legend">"#);
    for (i, f) in fans.iter().enumerate() {
        let _ = write!(
            out,
            r#"<li><svg width="28" height="12" aria-hidden="true"><rect width="28" height="12" fill="{}" fill-opacity="0.18"/></svg> {}</li>"#,
            COLOURS[i % COLOURS.len()],
            esc(&f.label)
        );
    }
    out.push_str(&legend(series)["<ul class=\"legend\">".len()..]);
    out
}

/// A waterfall: a starting total, the steps that add to or take from it, and the total
/// they come to, as bars left to right — totals from zero, each step floating from where the
/// last left off, its value written on it (so nothing rests on colour: falls are also
/// marked −, rises +).
pub fn waterfall(
    id: &str,
    title: &str,
    desc: &str,
    start: (&str, f64),
    steps: &[(&str, f64)],
    end: &str,
) -> String {
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc)
    );
    let mut level = start.1;
    let mut bars = vec![(start.0.to_string(), 0.0, start.1, None)];
    for (label, v) in steps {
        let from = level;
        level += v;
        bars.push((label.to_string(), from, level, Some(*v)));
    }
    bars.push((end.to_string(), 0.0, level, None));
    let max = bars.iter().flat_map(|b| [b.1, b.2]).fold(1.0, f64::max);
    let step = nice_step(max);
    let top = (max / step).ceil() * step;
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v / top);
    let mut t = 0.0;
    while t <= top + 1e-9 {
        gridline(&mut svg, t, y(t), "#d8d8d8");
        t += step;
    }
    let slot = (W - LEFT - RIGHT) / bars.len() as f64;
    for (i, (label, from, to, change)) in bars.iter().enumerate() {
        let x = LEFT + slot * i as f64 + slot * 0.15;
        let (low, high) = if from <= to {
            (*from, *to)
        } else {
            (*to, *from)
        };
        let colour = match change {
            None => COLOURS[0],
            Some(v) if *v < 0.0 => COLOURS[1],
            Some(_) => COLOURS[2],
        };
        let text = match change {
            None => trim_number(*to),
            Some(v) if *v < 0.0 => format!("−{}", trim_number(-v)),
            Some(v) => format!("+{}", trim_number(*v)),
        };
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"><title>{}: {text}</title></rect><text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="12">{text}</text><text x="{:.1}" y="{}" text-anchor="middle" font-size="12">{}</text>"#,
            y(high),
            slot * 0.7,
            (y(low) - y(high)).max(1.0),
            esc(label),
            x + slot * 0.35,
            y(high) - 4.0,
            x + slot * 0.35,
            H - BOTTOM + 18.0,
            esc(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// A horizontal bar chart: one group of bars per category, one bar per series. Values that
/// are symbols (suppressed `c`, not applicable `z`) are written as the symbol, never drawn as
/// zero. The SVG stands alone (fonts and colours inline), so it can be downloaded as a file.
pub fn bar_chart(
    id: &str,
    title: &str,
    desc: &str,
    categories: &[String],
    series: &[(String, Vec<cws_analyse::disclosure::Shown>)],
) -> String {
    const LABEL_W: f64 = 250.0;
    const BAR_H: f64 = 16.0;
    const GAP: f64 = 10.0;
    let per_cat = BAR_H * series.len().max(1) as f64 + GAP;
    let height = TOP + per_cat * categories.len().max(1) as f64 + BOTTOM;
    let values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.1.iter().filter_map(|v| v.value()))
        .collect();
    let max = values.iter().cloned().fold(0.0, f64::max);
    let step = nice_step(max.max(1.0));
    let top = (max / step).ceil().max(1.0) * step;
    let x = |v: f64| LABEL_W + (W - LABEL_W - RIGHT - 30.0) * (v / top);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" role="img" aria-labelledby="{id}-title {id}-desc" class="chart" font-family="Arial, Helvetica, sans-serif"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc)
    );
    if categories.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}" text-anchor="middle">No figures yet</text></svg>"#,
            W / 2.0,
            height / 2.0
        );
        return svg;
    }
    let mut t = 0.0;
    while t <= top + 1e-9 {
        let _ = write!(
            svg,
            r##"<line x1="{px:.1}" x2="{px:.1}" y1="{TOP}" y2="{}" stroke="#d8d8d8"/><text x="{px:.1}" y="{}" text-anchor="middle" font-size="12">{}</text>"##,
            height - BOTTOM,
            height - BOTTOM + 16.0,
            trim_number(t),
            px = x(t)
        );
        t += step;
    }
    for (c, name) in categories.iter().enumerate() {
        let y0 = TOP + per_cat * c as f64;
        let short: String = if name.chars().count() > 38 {
            format!("{}…", name.chars().take(37).collect::<String>())
        } else {
            name.clone()
        };
        let _ = write!(
            svg,
            r#"<text x="{}" y="{:.1}" text-anchor="end" font-size="13">{}</text>"#,
            LABEL_W - 8.0,
            y0 + per_cat / 2.0 - GAP / 2.0 + 4.0,
            esc(&short)
        );
        for (i, (label, vals)) in series.iter().enumerate() {
            let y = y0 + BAR_H * i as f64;
            let colour = COLOURS[i % COLOURS.len()];
            match vals.get(c).copied() {
                Some(cws_analyse::disclosure::Shown::Value(v)) => {
                    let _ = write!(
                        svg,
                        r#"<rect x="{LABEL_W}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{colour}"><title>{}, {}: {}</title></rect><text x="{:.1}" y="{:.1}" font-size="12">{}</text>"#,
                        (x(v) - LABEL_W).max(0.0),
                        BAR_H - 2.0,
                        esc(name),
                        esc(label),
                        trim_number(v),
                        x(v) + 4.0,
                        y + BAR_H - 5.0,
                        trim_number(v)
                    );
                }
                Some(cws_analyse::disclosure::Shown::Symbol(sym)) => {
                    let _ = write!(
                        svg,
                        r##"<text x="{:.1}" y="{:.1}" font-size="12" fill="#505a5f">{}<title>{}, {}: {}</title></text>"##,
                        LABEL_W + 4.0,
                        y + BAR_H - 5.0,
                        esc(sym),
                        esc(name),
                        esc(label),
                        esc(sym)
                    );
                }
                None => {}
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// What a legend entry shows of its series: a bar's colour, a band's shading or a line's
/// colour, width and dash — each drawn as in the chart, by the series' index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Bar(usize),
    Band(usize),
    Line { index: usize, emphasis: bool },
}

impl Key {
    /// The key's swatch as SVG, its top left at (`x`, `y`), 28 × 12.
    fn swatch(self, x: f64, y: f64) -> String {
        match self {
            Key::Bar(i) => format!(
                r#"<rect x="{x}" y="{y:.1}" width="14" height="12" fill="{}"/>"#,
                COLOURS[i % COLOURS.len()]
            ),
            Key::Band(i) => format!(
                r#"<rect x="{x}" y="{y:.1}" width="28" height="12" fill="{}" fill-opacity="0.18"/>"#,
                COLOURS[i % COLOURS.len()]
            ),
            Key::Line { index, emphasis } => format!(
                r#"<line x1="{x}" y1="{:.1}" x2="{}" y2="{:.1}" stroke="{}" stroke-width="{}" stroke-dasharray="{}"/>"#,
                y + 6.0,
                x + 28.0,
                y + 6.0,
                COLOURS[index % COLOURS.len()],
                if emphasis { 3.5 } else { 2.0 },
                DASHES[index % DASHES.len()]
            ),
        }
    }
}

/// A fan chart's legend entries: its bands, then its lines.
pub fn fan_keys(fans: &[Fan], series: &[Series]) -> Vec<(Key, String)> {
    fans.iter()
        .enumerate()
        .map(|(i, f)| (Key::Band(i), f.label.clone()))
        .chain(series.iter().enumerate().map(|(i, s)| {
            (
                Key::Line {
                    index: i,
                    emphasis: s.emphasis,
                },
                s.label.clone(),
            )
        }))
        .collect()
}

/// A chart made to stand alone as a file: its title above it and its legend below, in the
/// same SVG (on a page these are HTML around the chart); the legend's entries are bars.
pub fn standalone(chart_svg: &str, title: &str, subtitle: &str, legend: &[String]) -> String {
    let keys: Vec<(Key, String)> = legend
        .iter()
        .enumerate()
        .map(|(i, l)| (Key::Bar(i), l.clone()))
        .collect();
    standalone_keyed(chart_svg, title, subtitle, &keys)
}

/// A chart made to stand alone as a file, its legend's entries drawn as `keys` say.
pub fn standalone_keyed(
    chart_svg: &str,
    title: &str,
    subtitle: &str,
    keys: &[(Key, String)],
) -> String {
    // the chart's height, from its view box ("0 0 W H")
    let height = chart_svg
        .split("viewBox=\"0 0 ")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .and_then(|v| v.split(' ').nth(1))
        .and_then(|h| h.parse::<f64>().ok())
        .unwrap_or(H);
    // the title and subtitle wrapped to the picture's width (Arial's characters average
    // about 0.55 of their size), so a long area name or scenario is never cut off
    let title_lines = wrap(title, ((W - 16.0) / (17.0 * 0.58)) as usize);
    // each " · " part of the subtitle starts its own line, so a label such as "SYNTHETIC
    // DATA" is never broken
    let subtitle_lines: Vec<String> = subtitle
        .split(" · ")
        .flat_map(|part| wrap(part, ((W - 16.0) / (12.0 * 0.54)) as usize))
        .collect();
    let mut lines = String::new();
    let mut y = 22.0;
    for (i, l) in title_lines.iter().enumerate() {
        if i > 0 {
            y += 21.0;
        }
        let _ = write!(
            lines,
            r#"<text x="8" y="{y}" font-size="17" font-weight="bold">{}</text>"#,
            esc(l)
        );
    }
    y += 4.0;
    for l in &subtitle_lines {
        y += 16.0;
        let _ = write!(
            lines,
            r##"<text x="8" y="{y}" font-size="12" fill="#505a5f">{}</text>"##,
            esc(l)
        );
    }
    let (head, foot) = (y + 10.0, 12.0 + 22.0 * keys.len() as f64);
    let total = head + height + foot;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {total}" width="{W}" height="{total}" font-family="Arial, Helvetica, sans-serif"><rect width="100%" height="100%" fill="#fff"/>{lines}"##
    );
    // the chart nested at its own size below the title
    svg.push_str(&chart_svg.replacen(
        "<svg ",
        &format!(r#"<svg y="{head}" width="{W}" height="{height}" "#),
        1,
    ));
    for (i, (key, label)) in keys.iter().enumerate() {
        let y = head + height + 4.0 + 22.0 * i as f64;
        let text_x = if matches!(key, Key::Bar(_)) {
            28.0
        } else {
            42.0
        };
        let _ = write!(
            svg,
            r#"{}<text x="{text_x}" y="{:.1}" font-size="13">{}</text>"#,
            key.swatch(8.0, y),
            y + 11.0,
            esc(label)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// `text` in lines of at most `width` characters, broken between words (a longer word
/// stands on its own line).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Renders a chart's SVG as a PNG (white background, `scale` times its size), with the
/// system's fonts (loaded once).
pub fn png(svg: &str, scale: f32) -> Result<Vec<u8>, DocumentError> {
    use resvg::{tiny_skia, usvg};
    use std::sync::{Arc, OnceLock};
    static FONTS: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_system_fonts();
        db.set_sans_serif_family("Liberation Sans");
        Arc::new(db)
    });
    let options = usvg::Options {
        fontdb: Arc::clone(fonts),
        ..Default::default()
    };
    let picture = |problem: &str| DocumentError::Picture(problem.to_string());
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| picture(&e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| picture("the chart has no size"))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| picture("the chart is too large"))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap.encode_png().map_err(|e| picture(&e.to_string()))
}

/// A legend for bar series, in the bars' colours.
pub fn bar_legend(labels: &[String]) -> String {
    let mut out = String::from(r#"<ul class="legend">"#);
    for (i, l) in labels.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let _ = write!(
            out,
            r#"<li><svg width="16" height="12" aria-hidden="true"><rect width="16" height="12" fill="{colour}"/></svg> {}</li>"#,
            esc(l)
        );
    }
    out.push_str("</ul>");
    out
}

/// The legend as HTML (outside the SVG so it wraps and reads well).
pub fn legend(series: &[Series]) -> String {
    let mut out = String::from(r#"<ul class="legend">"#);
    for (i, s) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let dash = DASHES[i % DASHES.len()];
        let _ = write!(
            out,
            r#"<li><svg width="28" height="10" aria-hidden="true"><line x1="0" y1="5" x2="28" y2="5" stroke="{colour}" stroke-width="{}" stroke-dasharray="{dash}"/></svg> {}</li>"#,
            if s.emphasis { 3.5 } else { 2.0 },
            esc(&s.label)
        );
    }
    out.push_str("</ul>");
    out
}

pub fn trim_number(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_has_accessible_title_and_one_path_per_series_with_gaps() {
        let s = vec![
            Series {
                label: "Area <A>".into(),
                points: vec![(2023, Some(10.0)), (2024, None), (2025, Some(12.0))],
                emphasis: true,
            },
            Series {
                label: "England".into(),
                points: vec![(2023, Some(8.0)), (2024, Some(9.0)), (2025, Some(9.5))],
                emphasis: false,
            },
        ];
        let svg = line_chart("c1", "Turnover", "Turnover rate by year", &s);
        assert!(svg.contains(r#"<title id="c1-title">Turnover</title>"#));
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains("Area &lt;A&gt;"));
        // the gap in 2024 starts a new segment
        let first_path = svg.split("<path d=\"").nth(1).unwrap();
        assert_eq!(
            first_path.split('"').next().unwrap().matches('M').count(),
            2
        );
        assert_eq!(svg.matches("<circle").count(), 5);
    }

    #[test]
    fn bars_draw_values_and_write_symbols() {
        use cws_analyse::disclosure::Shown;
        let svg = bar_chart(
            "b",
            "People",
            "People by sector",
            &["Private".into(), "Voluntary".into()],
            &[(
                "People".into(),
                vec![Shown::Value(40.0), Shown::Symbol("c")],
            )],
        );
        assert!(svg.contains(r#"<title id="b-title">People</title>"#));
        assert_eq!(
            svg.matches("<rect").count(),
            1,
            "the suppressed value is not drawn"
        );
        assert!(svg.contains(">c<title>Voluntary, People: c</title>"));
    }

    #[test]
    fn a_chart_renders_to_a_png_of_twice_its_size() {
        use cws_analyse::disclosure::Shown;
        let svg = bar_chart(
            "b",
            "People",
            "People by sector",
            &["Private".into()],
            &[("People".into(), vec![Shown::Value(40.0)])],
        );
        let bytes = png(&svg, 2.0).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"));
        // width from the PNG header: the 640-unit view box at twice the size
        let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        assert_eq!(width, 1280);
    }

    #[test]
    fn a_fan_chart_standing_alone_keys_its_band_and_lines_as_drawn() {
        let fan = Fan {
            label: "P10 to P90".into(),
            points: vec![(2025, 9.0, 11.0), (2026, 8.0, 13.0)],
        };
        let lines = [
            Series {
                label: "P50".into(),
                points: vec![(2025, Some(10.0)), (2026, Some(10.5))],
                emphasis: true,
            },
            Series {
                label: "Need & more".into(),
                points: vec![(2025, Some(12.0)), (2026, Some(12.0))],
                emphasis: false,
            },
        ];
        let chart = fan_chart("f", "Fan", "d", std::slice::from_ref(&fan), &lines, false);
        let keys = fan_keys(std::slice::from_ref(&fan), &lines);
        assert_eq!(keys[0].0, Key::Band(0));
        assert_eq!(
            keys[2].0,
            Key::Line {
                index: 1,
                emphasis: false
            }
        );
        let svg = standalone_keyed(&chart, "Fan", "Area · SYNTHETIC DATA", &keys);
        // the band shaded, the need line dashed as in the chart, the label escaped
        assert!(svg.contains(r##"width="28" height="12" fill="#0072b2" fill-opacity="0.18""##));
        assert!(svg.contains(r##"stroke="#d55e00" stroke-width="2" stroke-dasharray="6 4""##));
        assert!(svg.contains(">Need &amp; more</text>"));
        // the subtitle's parts on two lines (the label never broken), three legend rows below
        // the chart: 52 + 16 + 280 + 12 + 3 × 22
        assert!(svg.contains(
            r##"<text x="8" y="58" font-size="12" fill="#505a5f">SYNTHETIC DATA</text>"##
        ));
        assert!(svg.contains(r#"height="426""#));
        assert!(png(&svg, 1.0).unwrap().starts_with(b"\x89PNG"));
    }

    #[test]
    fn a_long_title_wraps_between_words_and_the_picture_grows_to_hold_it() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("", 7), vec![""]);
        assert_eq!(wrap("unbreakable", 4), vec!["unbreakable"]);
        let chart = bar_chart("b", "t", "d", &["A".into()], &[]);
        let short = standalone(&chart, "Title", "Sub", &[]);
        let long = standalone(
            &chart,
            &"Richmond upon Thames ".repeat(8),
            &"word ".repeat(50),
            &[],
        );
        let height = |svg: &str| -> f64 {
            svg.split("height=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        };
        // three title lines and three subtitle lines: two more of each
        assert_eq!(height(&long), height(&short) + 2.0 * 21.0 + 2.0 * 16.0);
        assert_eq!(long.matches(r#"font-size="17""#).count(), 3);
    }

    #[test]
    fn empty_chart_says_so() {
        assert!(line_chart("c", "t", "d", &[]).contains("No published values"));
    }

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(23.0), 5.0);
        assert_eq!(nice_step(180.0), 50.0);
        assert_eq!(trim_number(12.0), "12");
        assert_eq!(trim_number(12.34), "12.3");
    }
}
