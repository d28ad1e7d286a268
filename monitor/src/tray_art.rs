//! The tray icon's artwork, drawn at run time from paths.
//!
//! A tray icon is glanced at, at 22–32 px, on light, dark and sometimes
//! monochrome panels, and by colour-blind users too. So every [`TrayLevel`]
//! gets its own colour *and* its own shape and glyph, each with a darker
//! outline, and the number of systems that need attention shows as a badge
//! with big digits. Drawing the icons here, rather than shipping image files,
//! gives every level and every count (1–9, then "9+") from one place, without
//! fonts, and keeps them anti-aliased.

use dms_tray_core::tray::{TrayLevel, TrayLook};
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, Stroke, Transform};

/// The width and height of the icon [`render`] draws, in pixels.
pub const ICON_SIZE: u32 = 64;

/// The icon's centre.
const MID: f32 = ICON_SIZE as f32 / 2.0;
/// The width of the darker outline around every shape.
const OUTLINE: f32 = 2.0;
/// How much smaller the level's shape is drawn next to a count badge.
const WITH_BADGE: f32 = 0.8;
/// The width of the white glyphs' strokes.
const GLYPH: f32 = 7.0;

#[derive(Debug, Clone, Copy)]
struct Rgb(u8, u8, u8);

impl Rgb {
    /// The outline's colour: the same hue, much darker.
    fn darker(self) -> Rgb {
        let dim = |c: u8| (f32::from(c) * 0.55).round() as u8;
        Rgb(dim(self.0), dim(self.1), dim(self.2))
    }
}

const WHITE: Rgb = Rgb(0xff, 0xff, 0xff);
const GREEN: Rgb = Rgb(0x2e, 0x9e, 0x44);
const GREEN_YELLOW: Rgb = Rgb(0xb8, 0xa1, 0x0f);
const ORANGE: Rgb = Rgb(0xe8, 0x83, 0x0c);
const RED: Rgb = Rgb(0xd6, 0x40, 0x40);
const GREY: Rgb = Rgb(0x8a, 0x8f, 0x98);
const PURPLE: Rgb = Rgb(0x8e, 0x3b, 0x9e);
const BADGE: Rgb = Rgb(0x20, 0x21, 0x24);
/// The badge that counts on-air systems: the red of an on-air light, deeper
/// than the outage red so that it stands apart from a red icon.
const ON_AIR: Rgb = Rgb(0xb0, 0x00, 0x20);

/// The icon for `look`: [`ICON_SIZE`]² pixels of straight (not
/// premultiplied) RGBA, row by row, as `tauri::image::Image::new_owned` takes.
pub fn render(look: TrayLook) -> Vec<u8> {
    draw(look, ICON_SIZE)
}

/// The sizes of the app's icon in the hicolor theme (`icons/hicolor/`).
pub const APP_ICON_SIZES: [u32; 9] = [16, 22, 24, 32, 48, 64, 128, 256, 512];

/// The app's icon (the desktop entry, the packages, the popup's window):
/// the tray's all-well look, drawn at `size`² pixels of straight RGBA.
pub fn app_icon(size: u32) -> Vec<u8> {
    draw(TrayLook::plain(TrayLevel::Ok), size)
}

fn draw(look: TrayLook, size: u32) -> Vec<u8> {
    let mut canvas = Canvas::new(size);
    if shows_count(look) {
        // Smaller, in the top-left corner, so that the badge hides little.
        canvas.transform = canvas.base.pre_scale(WITH_BADGE, WITH_BADGE);
        draw_level(&mut canvas, look.level);
        canvas.transform = canvas.base;
        draw_badge(&mut canvas, look.count, if look.on_air { ON_AIR } else { BADGE });
    } else {
        draw_level(&mut canvas, look.level);
    }
    canvas.into_rgba()
}

/// The calm looks (all is well, or nothing to watch yet) show no count.
fn shows_count(look: TrayLook) -> bool {
    look.count > 0 && !matches!(look.level, TrayLevel::Ok | TrayLevel::Starting | TrayLevel::NoOrganizations)
}

fn colour(level: TrayLevel) -> Rgb {
    match level {
        TrayLevel::Starting | TrayLevel::NoOrganizations | TrayLevel::Unknown => GREY,
        TrayLevel::Ok => GREEN,
        TrayLevel::Degraded => GREEN_YELLOW,
        TrayLevel::OrganizationError => PURPLE,
        TrayLevel::DmsNotResponding => ORANGE,
        TrayLevel::NoConnection => RED,
    }
}

fn draw_level(canvas: &mut Canvas, level: TrayLevel) {
    let body = colour(level);
    match level {
        // A hollow ring; while updating, with three dots in it.
        TrayLevel::NoOrganizations => canvas.ring(MID, MID, 25.0, 6.0, body),
        TrayLevel::Starting => {
            canvas.ring(MID, MID, 25.0, 6.0, body);
            for x in [20.5, 32.0, 43.5] {
                canvas.fill(&finish_circle(x, MID, 4.5), body);
            }
        }
        // A disc with a check mark.
        TrayLevel::Ok => {
            canvas.disc(MID, MID, 29.0, body);
            canvas.glyph(&check(1.0), GLYPH);
        }
        // A smaller disc with a check, and half of a ring around it: only
        // part of the redundancy is there.
        TrayLevel::Degraded => {
            let mut half_ring = PathBuilder::new();
            arc(&mut half_ring, (MID, MID), 29.5, 135.0, 315.0);
            arc(&mut half_ring, (MID, MID), 25.0, 315.0, 135.0);
            half_ring.close();
            canvas.shape(&finish(half_ring), 0.0, body);
            canvas.disc(MID, MID, 19.0, body);
            canvas.glyph(&check(19.0 / 29.0), GLYPH * 0.8);
        }
        // A disc with a key: the organization's key or its API fails.
        TrayLevel::OrganizationError => {
            canvas.disc(MID, MID, 29.0, body);
            canvas.glyph(&finish_circle(20.0, MID, 7.5), 5.5);
            let mut bit = PathBuilder::new();
            bit.move_to(27.5, MID);
            bit.line_to(49.0, MID);
            bit.line_to(49.0, 41.0);
            bit.move_to(41.0, MID);
            bit.line_to(41.0, 39.0);
            canvas.glyph(&finish(bit), 5.5);
        }
        // A warning triangle with an exclamation mark.
        TrayLevel::DmsNotResponding => {
            canvas.polygon(&[(MID, 9.0), (56.0, 54.0), (8.0, 54.0)], 4.0, body);
            let mut bar = PathBuilder::new();
            bar.move_to(MID, 25.0);
            bar.line_to(MID, 39.0);
            canvas.glyph(&finish(bar), 6.5);
            canvas.glyph_dot(MID, 47.5, 3.6);
        }
        // A stop sign with a cross.
        TrayLevel::NoConnection => {
            let corners: Vec<(f32, f32)> = (0..8)
                .map(|i| {
                    let angle = (22.5 + 45.0 * i as f32).to_radians();
                    (MID + 27.0 * angle.cos(), MID + 27.0 * angle.sin())
                })
                .collect();
            canvas.polygon(&corners, 3.0, body);
            let mut cross = PathBuilder::new();
            cross.move_to(23.0, 23.0);
            cross.line_to(41.0, 41.0);
            cross.move_to(41.0, 23.0);
            cross.line_to(23.0, 41.0);
            canvas.glyph(&finish(cross), GLYPH);
        }
        // A diamond with a question mark.
        TrayLevel::Unknown => {
            canvas.polygon(&[(MID, 6.0), (58.0, MID), (MID, 58.0), (6.0, MID)], 3.0, body);
            let mut hook = PathBuilder::new();
            arc(&mut hook, (MID, 24.5), 7.5, 190.0, 400.0);
            hook.line_to(MID, 34.0);
            hook.line_to(MID, 36.5);
            canvas.glyph(&finish(hook), 6.0);
            canvas.glyph_dot(MID, 45.5, 3.6);
        }
    }
}

/// The check mark, for a disc of radius 29 × `scale` around the centre.
fn check(scale: f32) -> Path {
    let at = |v: f32| MID + (v - MID) * scale;
    let mut pb = PathBuilder::new();
    pb.move_to(at(19.0), at(33.0));
    pb.line_to(at(28.0), at(42.0));
    pb.line_to(at(45.0), at(23.0));
    finish(pb)
}

/// The height of a badge digit's centre line; its ink is [`DIGIT_STROKE`] more.
const DIGIT_HEIGHT: f32 = 22.0;
const DIGIT_WIDTH: f32 = 11.5;
const DIGIT_STROKE: f32 = 5.2;
/// The "+" of "9+": the half length of its bars.
const PLUS_ARM: f32 = 4.5;
const DIGIT_GAP: f32 = 2.5;
/// The dark space between the digits' ink and the badge's white border,
/// across and up: wide enough across that the border does not close a "3".
const BADGE_PADDING: (f32, f32) = (4.5, 2.5);
const BADGE_BORDER: f32 = 1.5;

/// The count in a dark (on air: red), white-bordered badge in the bottom-right corner.
fn draw_badge(canvas: &mut Canvas, count: u32, fill: Rgb) {
    let (digit, plus) = if count > 9 { (9, true) } else { (count, false) };
    let ink_width = DIGIT_WIDTH + if plus { DIGIT_GAP + DIGIT_STROKE + 2.0 * PLUS_ARM + DIGIT_STROKE } else { 0.0 };
    let inset = |padding: f32| padding + BADGE_BORDER + DIGIT_STROKE / 2.0;
    let (inset_x, inset_y) = (inset(BADGE_PADDING.0), inset(BADGE_PADDING.1));
    let size = ICON_SIZE as f32;
    let (left, top) = (size - ink_width - 2.0 * inset_x, size - DIGIT_HEIGHT - 2.0 * inset_y);
    canvas.rounded_rect(left, top, size, size, 8.0, WHITE);
    let inner = size - BADGE_BORDER;
    canvas.rounded_rect(left + BADGE_BORDER, top + BADGE_BORDER, inner, inner, 8.0 - BADGE_BORDER, fill);
    let (x, y) = (left + inset_x, top + inset_y);
    canvas.glyph(&digit_path(digit, x, y), DIGIT_STROKE);
    if plus {
        let cx = x + DIGIT_WIDTH + DIGIT_GAP + DIGIT_STROKE + PLUS_ARM;
        let cy = y + DIGIT_HEIGHT / 2.0;
        let mut pb = PathBuilder::new();
        pb.move_to(cx - PLUS_ARM, cy);
        pb.line_to(cx + PLUS_ARM, cy);
        pb.move_to(cx, cy - PLUS_ARM);
        pb.line_to(cx, cy + PLUS_ARM);
        canvas.glyph(&finish(pb), DIGIT_STROKE);
    }
}

/// A seven-segment digit with its top-left corner at (`x`, `y`): strokes
/// through the corners and the middle of a [`DIGIT_WIDTH`] × [`DIGIT_HEIGHT`]
/// box, joined round.
fn digit_path(digit: u32, x: f32, y: f32) -> Path {
    let (w, h) = (DIGIT_WIDTH, DIGIT_HEIGHT);
    let (tl, tr, ml, mr, bl, br) = ((0.0, 0.0), (w, 0.0), (0.0, h / 2.0), (w, h / 2.0), (0.0, h), (w, h));
    let strokes: &[&[(f32, f32)]] = match digit {
        0 => &[&[tl, tr, br, bl, tl]],
        1 => &[&[(w * 0.35, h * 0.12), tr, br]],
        2 => &[&[tl, tr, mr, ml, bl, br]],
        3 => &[&[tl, tr, br, bl], &[ml, mr]],
        4 => &[&[tl, ml, mr], &[tr, br]],
        5 => &[&[tr, tl, ml, mr, br, bl]],
        6 => &[&[tr, tl, bl, br, mr, ml]],
        7 => &[&[tl, tr, br]],
        8 => &[&[tl, tr, br, bl, tl], &[ml, mr]],
        _ => &[&[bl, br, tr, tl, ml, mr]],
    };
    let mut pb = PathBuilder::new();
    for stroke in strokes {
        for (i, &(px, py)) in stroke.iter().enumerate() {
            if i == 0 {
                pb.move_to(x + px, y + py);
            } else {
                pb.line_to(x + px, y + py);
            }
        }
    }
    finish(pb)
}

/// Continues `pb` with a circular arc around `centre`, from angle `from` to
/// `to` in degrees (0 is to the right, growing clockwise on screen), in
/// cubic Bézier pieces of at most 90°. Starts a new contour when `pb` is empty.
fn arc(pb: &mut PathBuilder, (cx, cy): (f32, f32), r: f32, from: f32, to: f32) {
    let at = |angle: f32| (cx + r * angle.cos(), cy + r * angle.sin());
    let (from, to) = (from.to_radians(), to.to_radians());
    let start = at(from);
    if pb.is_empty() {
        pb.move_to(start.0, start.1);
    } else {
        pb.line_to(start.0, start.1);
    }
    let pieces = ((to - from).abs() / std::f32::consts::FRAC_PI_2).ceil().max(1.0) as usize;
    let step = (to - from) / pieces as f32;
    let k = 4.0 / 3.0 * (step / 4.0).tan() * r;
    for i in 0..pieces {
        let (a0, a1) = (from + step * i as f32, from + step * (i + 1) as f32);
        let (p0, p1) = (at(a0), at(a1));
        pb.cubic_to(p0.0 - k * a0.sin(), p0.1 + k * a0.cos(), p1.0 + k * a1.sin(), p1.1 - k * a1.cos(), p1.0, p1.1);
    }
}

/// Every path here is built from constants and is never empty.
fn finish(pb: PathBuilder) -> Path {
    pb.finish().expect("a non-empty path")
}

fn finish_circle(cx: f32, cy: f32, r: f32) -> Path {
    PathBuilder::from_circle(cx, cy, r).expect("a positive radius")
}

/// A pixmap to draw on, with the transform for glyphs.
struct Canvas {
    pixmap: Pixmap,
    /// From the artwork's [`ICON_SIZE`] grid to the pixmap's size.
    base: Transform,
    transform: Transform,
}

impl Canvas {
    fn new(size: u32) -> Canvas {
        let pixmap = Pixmap::new(size, size).expect("a non-empty icon");
        let scale = size as f32 / ICON_SIZE as f32;
        let base = Transform::from_scale(scale, scale);
        Canvas { pixmap, base, transform: base }
    }

    fn into_rgba(self) -> Vec<u8> {
        self.pixmap
            .pixels()
            .iter()
            .flat_map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect()
    }

    fn fill(&mut self, path: &Path, colour: Rgb) {
        self.pixmap.fill_path(path, &paint(colour), FillRule::Winding, self.transform, None);
    }

    fn stroke(&mut self, path: &Path, width: f32, colour: Rgb) {
        let stroke = Stroke { width, line_cap: LineCap::Round, line_join: LineJoin::Round, ..Stroke::default() };
        self.pixmap.stroke_path(path, &paint(colour), &stroke, self.transform, None);
    }

    /// A filled disc with an outline around it.
    fn disc(&mut self, cx: f32, cy: f32, r: f32, colour: Rgb) {
        self.fill(&finish_circle(cx, cy, r + OUTLINE), colour.darker());
        self.fill(&finish_circle(cx, cy, r), colour);
    }

    /// A hollow ring of `width` with an outline on both sides.
    fn ring(&mut self, cx: f32, cy: f32, r: f32, width: f32, colour: Rgb) {
        let circle = finish_circle(cx, cy, r);
        self.stroke(&circle, width + 2.0 * OUTLINE, colour.darker());
        self.stroke(&circle, width, colour);
    }

    /// A polygon with round corners and an outline, as [`Canvas::shape`].
    fn polygon(&mut self, corners: &[(f32, f32)], round: f32, colour: Rgb) {
        let mut pb = PathBuilder::new();
        pb.move_to(corners[0].0, corners[0].1);
        for &(x, y) in &corners[1..] {
            pb.line_to(x, y);
        }
        pb.close();
        self.shape(&finish(pb), round, colour);
    }

    /// A closed `path` grown by `round` on every side, so with round
    /// corners, and with an outline around it.
    fn shape(&mut self, path: &Path, round: f32, colour: Rgb) {
        for (grow, colour) in [(round + OUTLINE, colour.darker()), (round, colour)] {
            if grow > 0.0 {
                self.stroke(path, 2.0 * grow, colour);
            }
            self.fill(path, colour);
        }
    }

    /// A filled rectangle with corners of radius `r`.
    fn rounded_rect(&mut self, left: f32, top: f32, right: f32, bottom: f32, r: f32, colour: Rgb) {
        let mut pb = PathBuilder::new();
        pb.move_to(left + r, top + r);
        pb.line_to(right - r, top + r);
        pb.line_to(right - r, bottom - r);
        pb.line_to(left + r, bottom - r);
        pb.close();
        let path = finish(pb);
        self.stroke(&path, 2.0 * r, colour);
        self.fill(&path, colour);
    }

    /// A white, round-capped glyph stroke.
    fn glyph(&mut self, path: &Path, width: f32) {
        self.stroke(path, width, WHITE);
    }

    /// The white dot of "!" and "?".
    fn glyph_dot(&mut self, cx: f32, cy: f32, r: f32) {
        self.fill(&finish_circle(cx, cy, r), WHITE);
    }
}

fn paint(Rgb(r, g, b): Rgb) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color_rgba8(r, g, b, 0xff);
    paint
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    const PIXELS: usize = (ICON_SIZE * ICON_SIZE) as usize;

    fn look(level: TrayLevel, count: u32) -> TrayLook {
        TrayLook { level, count, on_air: false }
    }

    fn pixel(rgba: &[u8], x: u32, y: u32) -> [u8; 4] {
        let i = ((y * ICON_SIZE + x) * 4) as usize;
        rgba[i..i + 4].try_into().unwrap()
    }

    /// Each pixel's luminance, laid over a background of luminance `under`.
    fn greyscale(rgba: &[u8], under: f32) -> Vec<f32> {
        rgba.chunks(4)
            .map(|p| {
                let luma = 0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2]);
                let alpha = f32::from(p[3]) / 255.0;
                luma * alpha + under * (1.0 - alpha)
            })
            .collect()
    }

    fn badge_levels() -> impl Iterator<Item = TrayLevel> {
        TrayLevel::ALL.into_iter().filter(|&level| shows_count(look(level, 1)))
    }

    #[test]
    fn an_icon_is_square_straight_rgba_with_transparent_corners() {
        for level in TrayLevel::ALL {
            let rgba = render(look(level, 0));
            assert_eq!(rgba.len(), PIXELS * 4);
            let last = ICON_SIZE - 1;
            for (x, y) in [(0, 0), (last, 0), (0, last), (last, last)] {
                assert_eq!(pixel(&rgba, x, y)[3], 0, "{level:?} at ({x}, {y})");
            }
        }
        // Straight alpha: the disc's anti-aliased rim has the outline's
        // colour, not one darkened by its alpha.
        let Rgb(r, g, b) = GREEN.darker();
        let ok = render(look(TrayLevel::Ok, 0));
        let rim: Vec<&[u8]> = ok.chunks(4).filter(|p| (128..255).contains(&p[3])).collect();
        assert!(!rim.is_empty());
        for p in rim {
            assert!(p[0].abs_diff(r) <= 2 && p[1].abs_diff(g) <= 2 && p[2].abs_diff(b) <= 2, "{p:?}");
        }
        assert_eq!(render(look(TrayLevel::Unknown, 3)), render(look(TrayLevel::Unknown, 3)), "deterministic");
    }

    #[test]
    fn every_level_looks_different() {
        let icons: Vec<Vec<u8>> = TrayLevel::ALL.iter().map(|&l| render(look(l, 0))).collect();
        for (i, a) in icons.iter().enumerate() {
            for (j, b) in icons.iter().enumerate().skip(i + 1) {
                assert_ne!(a, b, "{:?} and {:?}", TrayLevel::ALL[i], TrayLevel::ALL[j]);
            }
        }
    }

    #[test]
    fn each_level_is_mostly_its_colour() {
        for level in TrayLevel::ALL {
            let mut histogram: HashMap<[u8; 3], usize> = HashMap::new();
            for p in render(look(level, 0)).chunks(4).filter(|p| p[3] == 255) {
                *histogram.entry([p[0], p[1], p[2]]).or_default() += 1;
            }
            let (dominant, _) = histogram.into_iter().max_by_key(|&(_, n)| n).unwrap();
            let Rgb(r, g, b) = colour(level);
            assert_eq!(dominant, [r, g, b], "{level:?}");
        }
    }

    /// The monochrome and colour-blind guarantee: in greyscale, on a dark and
    /// on a light panel, any two levels differ clearly in many pixels.
    #[test]
    fn every_level_looks_different_in_greyscale() {
        for under in [32.0, 240.0] {
            let icons: Vec<Vec<f32>> = TrayLevel::ALL.iter().map(|&l| greyscale(&render(look(l, 0)), under)).collect();
            for (i, a) in icons.iter().enumerate() {
                for (j, b) in icons.iter().enumerate().skip(i + 1) {
                    let differing = a.iter().zip(b).filter(|(x, y)| (*x - *y).abs() > 48.0).count();
                    assert!(
                        differing * 100 >= PIXELS * 4,
                        "{:?} and {:?} over {under}: only {differing} pixels differ",
                        TrayLevel::ALL[i],
                        TrayLevel::ALL[j]
                    );
                }
            }
        }
    }

    #[test]
    fn counts_show_as_a_badge_in_the_bottom_right_corner() {
        let is_badge = |p: &[u8]| p == [BADGE.0, BADGE.1, BADGE.2, 255];
        // The widest badge, "9+", starts right of this column and below this row.
        let (left, top) = (12, 28);
        for level in badge_levels() {
            let plain = render(look(level, 0));
            assert!(!plain.chunks(4).any(is_badge), "{level:?} without a count has no badge");
            let counts = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 99];
            let badged: Vec<Vec<u8>> = counts.iter().map(|&n| render(look(level, n))).collect();
            for (count, icon) in counts.iter().zip(&badged) {
                // Between the digits and the badge's bottom border.
                assert!(is_badge(&pixel(icon, 50, 61)), "{level:?} {count}");
                for y in 0..ICON_SIZE {
                    for x in 0..ICON_SIZE {
                        if x < left || y < top {
                            assert!(!is_badge(&pixel(icon, x, y)), "{level:?} {count} at ({x}, {y})");
                            // Beside the badge, the level looks the same whatever the count.
                            assert_eq!(pixel(icon, x, y), pixel(&badged[0], x, y), "{level:?} {count} at ({x}, {y})");
                        }
                    }
                }
            }
            for i in 0..counts.len() - 1 {
                for j in i + 1..counts.len() - 1 {
                    assert_ne!(badged[i], badged[j], "{level:?}: {} and {}", counts[i], counts[j]);
                }
            }
            assert_eq!(badged[9], badged[10], "{level:?}: 10 and 99 both show 9+");
        }
        for level in [TrayLevel::Ok, TrayLevel::Starting, TrayLevel::NoOrganizations] {
            assert_eq!(render(look(level, 5)), render(look(level, 0)), "{level:?} shows no count");
        }
    }

    #[test]
    fn an_on_air_count_has_a_red_badge_of_its_own() {
        let is = |rgb: Rgb| move |p: &[u8]| p == [rgb.0, rgb.1, rgb.2, 255];
        for level in badge_levels() {
            let on_air = render(TrayLook { level, count: 2, on_air: true });
            assert!(is(ON_AIR)(&pixel(&on_air, 50, 61)), "{level:?}");
            assert!(!on_air.chunks(4).any(is(BADGE)), "{level:?}: no dark badge");
            let ordinary = render(look(level, 2));
            assert!(!ordinary.chunks(4).any(is(ON_AIR)), "{level:?}: an ordinary count is not red");
        }
    }

    /// Downscales straight RGBA by averaging each target pixel's area, as a
    /// panel does.
    fn downscale(rgba: &[u8], from: u32, to: u32) -> Vec<u8> {
        let ratio = from as f32 / to as f32;
        let mut out = Vec::with_capacity((to * to * 4) as usize);
        let overlap = |i: u32, t: u32| {
            let (a, b) = (t as f32 * ratio, (t + 1) as f32 * ratio);
            (b.min(i as f32 + 1.0) - a.max(i as f32)).max(0.0)
        };
        for ty in 0..to {
            for tx in 0..to {
                let mut sum = [0.0f32; 4];
                for sy in 0..from {
                    let wy = overlap(sy, ty);
                    if wy == 0.0 {
                        continue;
                    }
                    for sx in 0..from {
                        let w = wy * overlap(sx, tx);
                        if w == 0.0 {
                            continue;
                        }
                        let i = ((sy * from + sx) * 4) as usize;
                        let alpha = f32::from(rgba[i + 3]) / 255.0;
                        for c in 0..3 {
                            sum[c] += w * alpha * f32::from(rgba[i + c]);
                        }
                        sum[3] += w * alpha;
                    }
                }
                let area = ratio * ratio;
                let alpha = sum[3] / area;
                for s in &sum[..3] {
                    out.push(if sum[3] > 0.0 { (s / sum[3]).round() as u8 } else { 0 });
                }
                out.push((alpha * 255.0).round() as u8);
            }
        }
        out
    }

    fn write_png(path: &std::path::Path, rgba: &[u8], width: u32, height: u32) {
        let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
        let mut encoder = png::Encoder::new(file, width, height);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.write_header().unwrap().write_image_data(rgba).unwrap();
    }

    /// Lays `rgba`, `size` px wide and high, enlarged `zoom` times, over the
    /// opaque `sheet` with its top-left corner at `at`.
    fn blend(sheet: &mut [u8], width: u32, at: (u32, u32), rgba: &[u8], size: u32, zoom: u32) {
        for y in 0..size * zoom {
            for x in 0..size * zoom {
                let s = (((y / zoom) * size + x / zoom) * 4) as usize;
                let d = (((at.1 + y) * width + at.0 + x) * 4) as usize;
                let alpha = u32::from(rgba[s + 3]);
                for c in 0..3 {
                    let over = (u32::from(rgba[s + c]) * alpha + u32::from(sheet[d + c]) * (255 - alpha) + 127) / 255;
                    sheet[d + c] = over as u8;
                }
            }
        }
    }

    /// "NoOrganizations" → "no-organizations".
    fn file_stem(level: TrayLevel) -> String {
        let mut stem = String::new();
        for c in format!("{level:?}").chars() {
            if c.is_uppercase() && !stem.is_empty() {
                stem.push('-');
            }
            stem.push(c.to_ascii_lowercase());
        }
        stem
    }

    /// Writes a preview sheet to `$TRAY_ART_PREVIEW`: one row per level, on
    /// a dark and on a light panel, each at 64 px with no count, 3 and 12,
    /// at 32 px with no count and 3, at 22 px with no count, 3 and 12, and
    /// at 22 px enlarged three times (no count, 3). With `$TRAY_ART_EXPORT_DIR`
    /// set, also writes each level's 64 px icon there, as `<level>.png` and,
    /// where a count shows, `<level>-3.png`.
    #[test]
    #[ignore = "writes the preview sheet; run by hand"]
    fn preview() {
        const CELL: u32 = 72;
        const CELLS: u32 = 10;
        let panels = [[0x2b, 0x2b, 0x2f], [0xf2, 0xf2, 0xf2]];
        let (width, height) = (CELL * CELLS * panels.len() as u32, CELL * TrayLevel::ALL.len() as u32);
        let mut sheet = vec![0u8; (width * height * 4) as usize];
        for (row, level) in TrayLevel::ALL.into_iter().enumerate() {
            let y0 = row as u32 * CELL;
            for (p, panel) in panels.iter().enumerate() {
                let x0 = p as u32 * CELL * CELLS;
                for y in y0..y0 + CELL {
                    for x in x0..x0 + CELL * CELLS {
                        let d = ((y * width + x) * 4) as usize;
                        sheet[d..d + 4].copy_from_slice(&[panel[0], panel[1], panel[2], 255]);
                    }
                }
                let icon = |count: u32, size: u32| downscale(&render(look(level, count)), ICON_SIZE, size);
                let cells = [
                    (icon(0, 64), 64, 1),
                    (icon(3, 64), 64, 1),
                    (icon(12, 64), 64, 1),
                    (icon(0, 32), 32, 1),
                    (icon(3, 32), 32, 1),
                    (icon(0, 22), 22, 1),
                    (icon(3, 22), 22, 1),
                    (icon(12, 22), 22, 1),
                    (icon(0, 22), 22, 3),
                    (icon(3, 22), 22, 3),
                ];
                for (i, (rgba, size, zoom)) in cells.iter().enumerate() {
                    let offset = (CELL - size * zoom) / 2;
                    blend(&mut sheet, width, (x0 + i as u32 * CELL + offset, y0 + offset), rgba, *size, *zoom);
                }
            }
        }
        let path = std::env::var("TRAY_ART_PREVIEW").expect("TRAY_ART_PREVIEW names the sheet to write");
        write_png(std::path::Path::new(&path), &sheet, width, height);

        if let Ok(dir) = std::env::var("TRAY_ART_EXPORT_DIR") {
            let dir = std::path::Path::new(&dir);
            std::fs::create_dir_all(dir).unwrap();
            for level in TrayLevel::ALL {
                let stem = file_stem(level);
                write_png(&dir.join(format!("{stem}.png")), &render(look(level, 0)), ICON_SIZE, ICON_SIZE);
                if shows_count(look(level, 3)) {
                    write_png(&dir.join(format!("{stem}-3.png")), &render(look(level, 3)), ICON_SIZE, ICON_SIZE);
                }
            }
        }
    }

    fn app_icon_path(size: u32) -> std::path::PathBuf {
        let icons = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../icons");
        match size {
            0 => icons.join("icon.png"),
            n => icons.join(format!("hicolor/{n}x{n}/apps/dms-tray.png")),
        }
    }

    /// The Windows icon (the executables' resource, the installer, the
    /// Start menu and the toasts): the art at the sizes Windows picks from.
    const WINDOWS_ICON_SIZES: [u32; 6] = [16, 24, 32, 48, 64, 256];

    fn windows_icon_path() -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../icons/icon.ico")
    }

    #[test]
    fn the_windows_icon_is_the_tray_art() {
        let icon = ico::IconDir::read(std::fs::File::open(windows_icon_path()).unwrap()).unwrap();
        let sizes: Vec<u32> = icon.entries().iter().map(|entry| entry.width()).collect();
        assert_eq!(sizes, WINDOWS_ICON_SIZES);
        for entry in icon.entries() {
            assert!(
                entry.decode().unwrap().rgba_data() == app_icon(entry.width()),
                "icons/icon.ico at {} px is not the tray art; write it anew with export_app_icons",
                entry.width()
            );
        }
    }

    /// The app's icons in `icons/` are the tray's art: written anew by
    /// `export_app_icons` when the art changes, never drawn by hand.
    #[test]
    fn the_app_icons_in_the_tree_are_the_tray_art() {
        for size in APP_ICON_SIZES.into_iter().chain([0]) {
            let path = app_icon_path(size);
            let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&path).unwrap()));
            let mut reader = decoder.read_info().unwrap();
            let mut buffer = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut buffer).unwrap();
            let drawn = app_icon(if size == 0 { 128 } else { size });
            assert!(
                buffer[..info.buffer_size()] == drawn[..],
                "{} is not the tray art; write it anew: cargo test -p dms-tray --lib export_app_icons -- --ignored",
                path.display()
            );
        }
    }

    #[test]
    #[ignore = "writes icons/hicolor, icons/icon.png and icons/icon.ico; run by hand when the art changes"]
    fn export_app_icons() {
        for size in APP_ICON_SIZES {
            let path = app_icon_path(size);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            write_png(&path, &app_icon(size), size, size);
        }
        write_png(&app_icon_path(0), &app_icon(128), 128, 128);
        let mut icon = ico::IconDir::new(ico::ResourceType::Icon);
        for size in WINDOWS_ICON_SIZES {
            let image = ico::IconImage::from_rgba_data(size, size, app_icon(size));
            icon.add_entry(ico::IconDirEntry::encode(&image).unwrap());
        }
        icon.write(std::fs::File::create(windows_icon_path()).unwrap()).unwrap();
    }
}
