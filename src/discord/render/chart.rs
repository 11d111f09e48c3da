//! The `/stats` chart: cases per week, stacked by reason, as a PNG drawn with plotters.
//!
//! It shows exactly what the table publishes: exact cells are drawn, cells shown as "< k"
//! are not (nor any total that would include them).

use std::sync::OnceLock;

use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::{RangedCoordu64, RangedCoordusize};
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::domain::statistics::{Published, Statistics};

pub const WIDTH: u32 = 800;
pub const HEIGHT: u32 = 450;
/// The attachment's file name, which the embed's image refers to.
pub const FILE_NAME: &str = "stats.png";

/// The chart's drawing area: week segments across, case counts up.
type Chart<'a, 'b> = ChartContext<
    'a,
    BitMapBackend<'b>,
    Cartesian2d<SegmentedCoord<RangedCoordusize>, RangedCoordu64>,
>;

/// Labels are drawn with this font, embedded so the chart renders on machines without
/// system fonts. `DejaVu` Sans, Bitstream Vera licence: see assets/fonts/LICENSE-DejaVu.txt.
const FONT: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

/// One colour per reason, in [`crate::domain::reason::Reason::ALL`] order (colour-blind
/// friendly Okabe–Ito palette, then a violet).
const REASON_COLOURS: [RGBColor; 8] = [
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 158, 115),
    RGBColor(240, 228, 66),
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(120, 94, 240),
];

/// Every text the chart shows, already localized.
pub struct ChartLabels {
    pub title: String,
    pub y_axis: String,
    /// One per week of the statistics.
    pub weeks: Vec<String>,
    /// One per reason, in `Reason::ALL` order.
    pub reasons: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("the embedded chart font does not load")]
    Font,
    #[error("drawing the chart: {0}")]
    Draw(String),
    #[error("encoding the chart: {0}")]
    Encode(#[from] png::EncodingError),
}

fn register_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let loaded = *REGISTERED
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    loaded.then_some(()).ok_or(ChartError::Font)
}

fn draw_error(error: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(error.to_string())
}

/// Per week, the segments drawn bottom up: (reason index, height), the cells published
/// exactly and not zero. Nothing else is drawn.
fn stacks(statistics: &Statistics) -> Vec<Vec<(usize, u64)>> {
    (0..statistics.weeks.len())
        .map(|week| {
            statistics
                .cases
                .cells
                .iter()
                .enumerate()
                .filter_map(|(reason, cells)| match cells.get(week) {
                    Some(Published::Count(count)) if *count > 0 => Some((reason, *count)),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The chart as PNG bytes, `WIDTH` × `HEIGHT`.
pub fn render(statistics: &Statistics, labels: &ChartLabels) -> Result<Vec<u8>, ChartError> {
    register_font()?;
    let stacks = stacks(statistics);
    let mut buffer = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    draw(&mut buffer, statistics, labels, &stacks)?;
    encode(&buffer)
}

/// The top of the y axis: a tenth above the highest stack, at least 5.
fn y_max(stacks: &[Vec<(usize, u64)>]) -> u64 {
    let highest = stacks
        .iter()
        .map(|stack| stack.iter().map(|(_, count)| count).sum::<u64>())
        .max()
        .unwrap_or(0);
    (highest + highest / 10).max(5)
}

/// Draws the chart into `buffer` (RGB, `WIDTH` × `HEIGHT`).
fn draw(
    buffer: &mut [u8],
    statistics: &Statistics,
    labels: &ChartLabels,
    stacks: &[Vec<(usize, u64)>],
) -> Result<(), ChartError> {
    let weeks = statistics.weeks.len();
    let root = BitMapBackend::with_buffer(buffer, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(&labels.title, (FAMILY, 22))
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(52)
        .build_cartesian_2d((0..weeks.max(1)).into_segmented(), 0u64..y_max(stacks))
        .map_err(draw_error)?;
    draw_mesh(&mut chart, labels, weeks)?;
    for layer in 0..statistics.cases.cells.len() {
        let label = labels.reasons.get(layer).map_or("", String::as_str);
        draw_layer(&mut chart, stacks, layer, label)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FAMILY, 12))
        .draw()
        .map_err(draw_error)?;
    root.present().map_err(draw_error)
}

/// The axes, with a week label under every bar (every n-th past 13 weeks).
fn draw_mesh(chart: &mut Chart, labels: &ChartLabels, weeks: usize) -> Result<(), ChartError> {
    let label_step = weeks.div_ceil(13).max(1);
    let week_label = |value: &SegmentValue<usize>| match value {
        SegmentValue::CenterOf(week) if week % label_step == 0 => {
            labels.weeks.get(*week).cloned().unwrap_or_default()
        }
        _ => String::new(),
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(weeks + 1)
        .x_label_formatter(&week_label)
        .y_desc(&labels.y_axis)
        .label_style((FAMILY, 13))
        .axis_desc_style((FAMILY, 14))
        .draw()
        .map_err(draw_error)
}

/// The segments of one reason: (week, bottom, height), each above the reasons drawn
/// before it in that week's stack.
fn layer_segments(stacks: &[Vec<(usize, u64)>], layer: usize) -> Vec<(usize, u64, u64)> {
    let mut segments = Vec::new();
    for (week, stack) in stacks.iter().enumerate() {
        let mut bottom = 0;
        for (segment_layer, count) in stack {
            if *segment_layer == layer {
                segments.push((week, bottom, *count));
            }
            bottom += count;
        }
    }
    segments
}

/// One reason's bars, with its legend entry; nothing when it has no bar.
fn draw_layer(
    chart: &mut Chart,
    stacks: &[Vec<(usize, u64)>],
    layer: usize,
    label: &str,
) -> Result<(), ChartError> {
    let colour = colour_of(layer);
    let bars: Vec<_> = layer_segments(stacks, layer)
        .into_iter()
        .map(|(week, bottom, height)| {
            let mut bar = Rectangle::new(
                [
                    (SegmentValue::Exact(week), bottom),
                    (SegmentValue::Exact(week + 1), bottom + height),
                ],
                colour.filled(),
            );
            bar.set_margin(0, 0, 4, 4);
            bar
        })
        .collect();
    if bars.is_empty() {
        return Ok(());
    }
    chart
        .draw_series(bars)
        .map_err(draw_error)?
        .label(label)
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 10, y + 5)], colour.filled()));
    Ok(())
}

/// `buffer` (RGB, `WIDTH` × `HEIGHT`) as PNG bytes.
fn encode(buffer: &[u8]) -> Result<Vec<u8>, ChartError> {
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, WIDTH, HEIGHT);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(buffer)?;
    writer.finish()?;
    Ok(png_bytes)
}

fn colour_of(reason: usize) -> RGBColor {
    REASON_COLOURS[reason % REASON_COLOURS.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::reason::Reason;
    use crate::domain::statistics::{Aggregates, compile};
    use chrono::NaiveDate;

    fn fixture() -> Statistics {
        let day = |text: &str| text.parse::<NaiveDate>().unwrap();
        let aggregates = Aggregates {
            cases_by_day: vec![
                (day("2025-03-03"), Reason::Harassment, 12),
                (day("2025-03-04"), Reason::Threats, 7),
                (day("2025-03-11"), Reason::Harassment, 3),
                (day("2025-03-12"), Reason::Doxxing, 1),
                (day("2025-03-12"), Reason::Threats, 9),
            ],
            ..Aggregates::default()
        };
        compile(&aggregates, day("2025-03-03"), day("2025-03-16"), 5)
    }

    #[test]
    fn the_chart_draws_exactly_the_published_cells() {
        let statistics = fixture();
        // Week 2: harassment 3 and doxxing 1 are "< 5", its total is hidden: only the
        // threats' 9 is drawn, no bar stands for the hidden part.
        assert_eq!(stacks(&statistics), [vec![(0, 12), (2, 7)], vec![(2, 9)]]);
        for (week, stack) in stacks(&statistics).iter().enumerate() {
            for &(reason, height) in stack {
                assert_eq!(
                    statistics.cases.cells[reason][week],
                    Published::Count(height)
                );
            }
            let drawn: u64 = stack.iter().map(|(_, height)| height).sum();
            match statistics.cases.column_totals[week] {
                Published::Count(total) => assert_eq!(drawn, total),
                other => assert_eq!(other, Published::Hidden),
            }
        }
    }

    fn labels(statistics: &Statistics) -> ChartLabels {
        ChartLabels {
            title: "Cases per week".to_owned(),
            y_axis: "Cases".to_owned(),
            weeks: statistics
                .weeks
                .iter()
                .map(|week| week.format("%d/%m").to_string())
                .collect(),
            reasons: Reason::ALL
                .iter()
                .map(|reason| reason.as_str().to_owned())
                .collect(),
        }
    }

    /// The decoded PNG: its size and RGB pixels.
    fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().expect("a PNG header");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a buffer size")];
        let frame = reader.next_frame(&mut pixels).expect("a PNG frame");
        pixels.truncate(frame.buffer_size());
        (frame.width, frame.height, pixels)
    }

    #[test]
    fn the_fixture_renders_a_png_of_the_expected_size_with_its_bars() {
        let statistics = fixture();
        let bytes = render(&statistics, &labels(&statistics)).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let (width, height, pixels) = decode(&bytes);
        assert_eq!((width, height), (WIDTH, HEIGHT));
        let has = |colour: RGBColor| {
            pixels
                .chunks(3)
                .any(|pixel| pixel == [colour.0, colour.1, colour.2])
        };
        // Harassment (12) and threats (7, 9) are drawn; doxxing (1, "< 5") is not.
        assert!(has(REASON_COLOURS[0]), "harassment bars");
        assert!(has(REASON_COLOURS[2]), "threat bars");
        assert!(!has(REASON_COLOURS[4]), "no doxxing bar: 1 is below k");
        // Text was rendered: dark pixels exist beyond the axes' black.
        assert!(
            pixels
                .chunks(3)
                .filter(|pixel| pixel[0] < 100 && pixel[0] > 0)
                .count()
                > 50
        );
    }
}
