//! Where the popup opens: next to the tray icon that was clicked, inside
//! the screen it was clicked on, on the side of the panel (a top panel
//! opens it below the click, a bottom panel above).

/// A rectangle in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Gap between the panel and the popup, in physical pixels.
const GAP: f64 = 8.0;

/// The popup's top-left corner for a click at `click` on `screen`; without
/// a click position (some StatusNotifier hosts do not give one), the top
/// right corner of the screen, where most panels keep their tray.
pub fn popup_origin(click: Option<(f64, f64)>, screen: Rect, popup: (f64, f64)) -> (f64, f64) {
    let (width, height) = popup;
    let (cx, cy) = click.unwrap_or((screen.x + screen.width, screen.y));
    let x = (cx - width / 2.0).min(screen.x + screen.width - width - GAP).max(screen.x + GAP);
    let below = cy < screen.y + screen.height / 2.0;
    let y = if below { cy + GAP } else { cy - height - GAP };
    let y = y.min(screen.y + screen.height - height - GAP).max(screen.y + GAP);
    (x, y)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCREEN: Rect = Rect { x: 0.0, y: 0.0, width: 1920.0, height: 1080.0 };
    const POPUP: (f64, f64) = (380.0, 520.0);

    #[test]
    fn opens_below_a_top_panel_and_above_a_bottom_panel() {
        assert_eq!(popup_origin(Some((1000.0, 12.0)), SCREEN, POPUP), (810.0, 20.0));
        assert_eq!(popup_origin(Some((1000.0, 1068.0)), SCREEN, POPUP), (810.0, 540.0));
    }

    #[test]
    fn stays_on_screen_at_the_edges() {
        assert_eq!(popup_origin(Some((1910.0, 12.0)), SCREEN, POPUP), (1532.0, 20.0));
        assert_eq!(popup_origin(Some((5.0, 1070.0)), SCREEN, POPUP), (8.0, 542.0));
    }

    #[test]
    fn without_a_click_position_it_opens_at_the_top_right() {
        assert_eq!(popup_origin(None, SCREEN, POPUP), (1532.0, 8.0));
    }

    #[test]
    fn on_a_second_screen() {
        let right = Rect { x: 1920.0, y: 0.0, width: 2560.0, height: 1440.0 };
        assert_eq!(popup_origin(Some((4400.0, 10.0)), right, POPUP), (4092.0, 18.0));
    }
}
