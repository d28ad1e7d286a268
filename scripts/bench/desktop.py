#!/usr/bin/python3
"""The desktop's side of the session bus for scripts/benchmark.sh: a
StatusNotifierWatcher standing in for the panel (as tests/e2e/sni.rs does)
and a notification server that records when each Notify call arrives.

Usage: desktop.py DIR
Writes DIR/items (one "service path" line per registered item) and
DIR/notifications (one "unix-time<TAB>id<TAB>app<TAB>summary" line per
Notify), then DIR/ready once both names are owned. Runs until killed.
Needs Debian's python3-dbus and python3-gi.
"""
import os
import sys
import time

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

WATCHER = "org.kde.StatusNotifierWatcher"
NOTIFICATIONS = "org.freedesktop.Notifications"


WATCHER_XML = """<!DOCTYPE node PUBLIC "-//freedesktop//DTD D-BUS Object Introspection 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/introspect.dtd">
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
  </interface>
  <interface name="org.freedesktop.DBus.Properties">
    <method name="Get"><arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="v" direction="out"/></method>
    <method name="GetAll"><arg type="s" direction="in"/><arg type="a{sv}" direction="out"/></method>
    <method name="Set"><arg type="s" direction="in"/><arg type="s" direction="in"/><arg type="v" direction="in"/></method>
  </interface>
  <interface name="org.freedesktop.DBus.Introspectable">
    <method name="Introspect"><arg type="s" direction="out"/></method>
  </interface>
</node>
"""


def append(path, line):
    with open(path, "a", encoding="utf-8") as f:
        f.write(line + "\n")


class Watcher(dbus.service.Object):
    def __init__(self, bus, out):
        self.items = []
        self.out = out
        super().__init__(bus, "/StatusNotifierWatcher")

    @dbus.service.method(WATCHER, in_signature="s", out_signature="", sender_keyword="sender")
    def RegisterStatusNotifierItem(self, service, sender=None):
        # A bus name (then the path is the standard one) or an object path
        # (then the bus name is the caller's).
        if service.startswith("/"):
            name, path = sender, service
        else:
            name, path = service, "/StatusNotifierItem"
        self.items.append(name + path)
        append(self.out, f"{name} {path}")
        self.StatusNotifierItemRegistered(name + path)

    @dbus.service.method(WATCHER, in_signature="s", out_signature="")
    def RegisterStatusNotifierHost(self, service):
        pass

    @dbus.service.signal(WATCHER, signature="s")
    def StatusNotifierItemRegistered(self, item):
        pass

    @dbus.service.signal(WATCHER, signature="")
    def StatusNotifierHostRegistered(self):
        pass

    def props(self):
        return {
            "RegisteredStatusNotifierItems": dbus.Array(self.items, signature="s"),
            "IsStatusNotifierHostRegistered": dbus.Boolean(True),
            "ProtocolVersion": dbus.Int32(0),
        }

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ss", out_signature="v")
    def Get(self, interface, name):
        return self.props()[name]

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="s", out_signature="a{sv}")
    def GetAll(self, interface):
        return self.props() if interface == WATCHER else {}

    @dbus.service.method(dbus.PROPERTIES_IFACE, in_signature="ssv", out_signature="")
    def Set(self, interface, name, value):
        pass

    # Qt reads the watcher through QDBusInterface, which only sees the
    # properties that introspection lists; dbus-python's lists none.
    @dbus.service.method(dbus.INTROSPECTABLE_IFACE, in_signature="", out_signature="s")
    def Introspect(self):
        return WATCHER_XML


class Notifications(dbus.service.Object):
    def __init__(self, bus, out):
        self.next_id = 1
        self.out = out
        super().__init__(bus, "/org/freedesktop/Notifications")

    @dbus.service.method(NOTIFICATIONS, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app, replaces_id, icon, summary, body, actions, hints, timeout):
        at = time.time()
        nid = int(replaces_id) or self.next_id
        if not replaces_id:
            self.next_id += 1
        summary = str(summary).replace("\t", " ").replace("\n", " ")
        append(self.out, f"{at:.6f}\t{nid}\t{app}\t{summary}")
        # Expire it as a notification daemon does (reason 1: expired).
        GLib.timeout_add(int(timeout) if int(timeout) > 0 else 5000, self._expire, nid)
        return dbus.UInt32(nid)

    def _expire(self, nid):
        self.NotificationClosed(dbus.UInt32(nid), dbus.UInt32(1))
        return False

    @dbus.service.method(NOTIFICATIONS, in_signature="u", out_signature="")
    def CloseNotification(self, nid):
        self.NotificationClosed(dbus.UInt32(nid), dbus.UInt32(3))

    @dbus.service.method(NOTIFICATIONS, in_signature="", out_signature="as")
    def GetCapabilities(self):
        return ["actions", "body", "body-markup", "persistence"]

    @dbus.service.method(NOTIFICATIONS, in_signature="", out_signature="ssss")
    def GetServerInformation(self):
        return ("benchmark-desktop", "dms-tray", "1.0", "1.2")

    @dbus.service.signal(NOTIFICATIONS, signature="uu")
    def NotificationClosed(self, nid, reason):
        pass

    @dbus.service.signal(NOTIFICATIONS, signature="us")
    def ActionInvoked(self, nid, action):
        pass


def main():
    out = sys.argv[1]
    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    keep = [
        dbus.service.BusName(WATCHER, bus, do_not_queue=True),
        dbus.service.BusName(NOTIFICATIONS, bus, do_not_queue=True),
        Watcher(bus, os.path.join(out, "items")),
        Notifications(bus, os.path.join(out, "notifications")),
    ]
    open(os.path.join(out, "ready"), "w").close()
    GLib.MainLoop().run()
    del keep


if __name__ == "__main__":
    main()
