#!/usr/bin/python3
"""Opens and closes dms-tray's popup as a panel does (StatusNotifierItem
Activate over the session bus) and times, from outside, how long it takes
until the X screen shows the popup's list of rows: the Xvfb screen is
captured (XGetImage of the root window where the popup is) every few
milliseconds until the column of status dots holds enough dots.

Usage (DISPLAY and DBUS_SESSION_BUS_ADDRESS set):
  popup.py open SERVICE PATH [--shot FILE]   Activate, wait until painted; prints ms
  popup.py close SERVICE PATH                Activate, wait until the window is gone; prints ms
  popup.py series N SERVICE PATH [--shot FILE]
                                             N opens, closed in between but the last;
                                             prints the ms of each
  popup.py activate SERVICE PATH             only the Activate call (for the peers)
  popup.py windows                           the titles of the mapped windows
  popup.py shot FILE                         a PNG of the whole screen
Needs Debian's python3-dbus, python3-xlib and python3-numpy.
"""
import contextlib
import io
import select
import struct
import sys
import time
import zlib

import numpy as np
from Xlib import X, display

TITLE = "dms-tray systems"
CLICK = (1200, 12)  # where a panel at the top right would say it was clicked
TIMEOUT = 30.0
# In the popup's own pixels: the list starts below the header and the
# search field; each row has a status dot in its left column (ui/popup.css).
LIST_TOP = 120
DOT_COLUMN = (6, 44)
FOOTER = 40
MIN_DOTS = 2
MIN_DOT_HEIGHT = 8
SATURATION = 90  # max(R,G,B) - min(R,G,B) of a dot's colour (ok, warn, error)
LOOK_EVERY = 0.004  # seconds between two looks at a mapped popup


def png(path, rgb):
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 6)))
        f.write(chunk(b"IEND", b""))


class Screen:
    def __init__(self):
        # python-xlib says on stdout that Xvfb's display has no xauth entry.
        with contextlib.redirect_stdout(io.StringIO()):
            self.d = display.Display()
        self.root = self.d.screen().root

    def grab(self, x, y, w, h):
        """The screen's pixels in this rectangle, as an RGB array."""
        image = self.root.get_image(x, y, w, h, X.ZPixmap, 0xFFFFFFFF)
        data = np.frombuffer(image.data, dtype=np.uint8).reshape(h, -1)[:, : w * 4].reshape(h, w, 4)
        return data[:, :, 2::-1]  # BGRX -> RGB

    def popup(self):
        """(x, y, width, height) of the mapped popup window, or None."""
        try:
            for child in self.root.query_tree().children:
                try:
                    name = child.get_full_property(self.d.intern_atom("_NET_WM_NAME"), 0)
                    title = name.value.decode() if name else child.get_wm_name()
                    if title != TITLE:
                        continue
                    if child.get_attributes().map_state != X.IsViewable:
                        continue
                    g = child.get_geometry()
                    pos = child.translate_coords(self.root, 0, 0)
                    return (-pos.x, -pos.y, g.width, g.height)
                except Exception:  # a window that went away meanwhile
                    continue
        except Exception:
            pass
        return None


def dots(rgb):
    """How many status dots the left column of the list shows (rgb: the
    popup's pixels, at least DOT_COLUMN[1] wide from its left edge)."""
    h = rgb.shape[0]
    band = rgb[LIST_TOP : max(LIST_TOP, h - FOOTER), DOT_COLUMN[0] : DOT_COLUMN[1]]
    r, g, b = band[:, :, 0], band[:, :, 1], band[:, :, 2]
    # Element-wise over the three channels: a reduction over an axis of
    # three is some 30 times slower in numpy.
    high = np.maximum(np.maximum(r, g), b).astype(np.int16)
    saturated = (high - np.minimum(np.minimum(r, g), b)) > SATURATION
    rows = (saturated.sum(axis=1) >= 4).astype(np.int8)
    # Runs of dotted rows: where a run starts and ends, in numpy (a loop in
    # Python would cost the observer a millisecond a look).
    edges = np.diff(np.concatenate(([0], rows, [0])))
    lengths = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
    return int((lengths >= MIN_DOT_HEIGHT).sum())


def activate(service, path):
    import dbus

    bus = dbus.SessionBus()
    item = dbus.Interface(bus.get_object(service, path, introspect=False), "org.kde.StatusNotifierItem")
    item.Activate(dbus.Int32(CLICK[0]), dbus.Int32(CLICK[1]))


def open_popup(screen, service, path, shot=None):
    if screen.popup():
        raise SystemExit("the popup is already open")
    # Until the popup's window is mapped, wait for the X server to say so
    # (MapNotify on the root) rather than asking it over and over: on a
    # machine with 2 CPUs a busy observer takes CPU time from the popup it
    # times. Then look at the column of dots every few milliseconds.
    root = screen.root
    root.change_attributes(event_mask=X.SubstructureNotifyMask)
    screen.d.sync()
    start = time.monotonic()
    activate(service, path)
    geometry = None
    while time.monotonic() - start < TIMEOUT:
        if geometry is None:
            ready, _, _ = select.select([screen.d], [], [], 0.05)
            mapped = False
            while screen.d.pending_events():
                mapped |= screen.d.next_event().type == X.MapNotify
            if mapped or not ready:
                geometry = screen.popup()
            continue
        x, y, w, h = geometry
        try:
            band = screen.grab(x, y, min(w, DOT_COLUMN[1]), h)
        except Exception:  # unmapped meanwhile: wait for it again
            geometry = None
            continue
        if dots(band) >= MIN_DOTS:
            elapsed = (time.monotonic() - start) * 1000
            root.change_attributes(event_mask=X.NoEventMask)
            if shot:
                png(shot, np.ascontiguousarray(screen.grab(x, y, w, h)))
            return elapsed
        time.sleep(LOOK_EVERY)
    raise SystemExit(f"the popup showed no rows within {TIMEOUT:.0f} s")


def close_popup(screen, service, path):
    start = time.monotonic()
    activate(service, path)
    while time.monotonic() - start < TIMEOUT:
        if not screen.popup():
            return (time.monotonic() - start) * 1000
        time.sleep(0.01)
    raise SystemExit(f"the popup did not close within {TIMEOUT:.0f} s")


def mapped(screen):
    """The mapped top-level windows: "title WxH" each."""
    windows = []
    for child in screen.root.query_tree().children:
        try:
            if child.get_attributes().map_state == X.IsViewable:
                g = child.get_geometry()
                windows.append(f"{child.get_wm_name() or '(untitled)'} {g.width}x{g.height}")
        except Exception:
            continue
    return windows


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    screen = Screen()
    shot = args[args.index("--shot") + 1] if "--shot" in args else None
    if args[0] == "shot":
        s = screen.d.screen()
        png(args[1], np.ascontiguousarray(screen.grab(0, 0, s.width_in_pixels, s.height_in_pixels)))
    elif args[0] == "open":
        print(f"{open_popup(screen, args[1], args[2], shot):.1f}")
    elif args[0] == "close":
        print(f"{close_popup(screen, args[1], args[2]):.1f}")
    elif args[0] == "series":
        count, service, path = int(args[1]), args[2], args[3]
        for i in range(count):
            last = i == count - 1
            print(f"{open_popup(screen, service, path, shot if last else None):.1f}", flush=True)
            if last:
                break
            time.sleep(0.5)
            close_popup(screen, service, path)
            time.sleep(1.0)
    elif args[0] == "activate":
        activate(args[1], args[2])
    elif args[0] == "windows":
        print("\n".join(t for t in mapped(screen)))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
