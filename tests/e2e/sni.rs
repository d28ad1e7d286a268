//! A StatusNotifierWatcher on the test's session bus, standing in for the
//! desktop panel, and a client of the items that register with it: their
//! title, tooltip and icon, and their menu over com.canonical.dbusmenu.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use zbus::blocking::{Connection, Proxy};
use zbus::message::Header;
use zbus::zvariant::{OwnedValue, Value};

/// What a registered item is: its bus name and object path.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemAddress {
    pub service: String,
    pub path: String,
}

struct Watcher {
    items: Arc<Mutex<Vec<ItemAddress>>>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl Watcher {
    /// `service` is a bus name (then the path is the standard one) or an
    /// object path (then the bus name is the caller's).
    fn register_status_notifier_item(&self, service: &str, #[zbus(header)] header: Header<'_>) {
        let sender = header.sender().map(|s| s.to_string()).unwrap_or_default();
        let address = if service.starts_with('/') {
            ItemAddress { service: sender, path: service.to_string() }
        } else {
            ItemAddress { service: service.to_string(), path: "/StatusNotifierItem".to_string() }
        };
        self.items.lock().unwrap().push(address);
    }

    fn register_status_notifier_host(&self, _service: &str) {}

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        self.items.lock().unwrap().iter().map(|i| format!("{}{}", i.service, i.path)).collect()
    }

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// The watcher, serving while it lives.
pub struct StatusNotifierWatcher {
    _connection: Connection,
    items: Arc<Mutex<Vec<ItemAddress>>>,
    address: String,
}

impl StatusNotifierWatcher {
    pub fn start(bus_address: &str) -> StatusNotifierWatcher {
        let items = Arc::new(Mutex::new(Vec::new()));
        let connection = zbus::blocking::connection::Builder::address(bus_address)
            .unwrap()
            .name("org.kde.StatusNotifierWatcher")
            .unwrap()
            .serve_at("/StatusNotifierWatcher", Watcher { items: items.clone() })
            .unwrap()
            .build()
            .expect("the watcher owns its name on the session bus");
        StatusNotifierWatcher { _connection: connection, items, address: bus_address.to_string() }
    }

    pub fn items(&self) -> Vec<ItemAddress> {
        self.items.lock().unwrap().clone()
    }

    /// A client of a registered item, on a connection of its own.
    pub fn item(&self, address: &ItemAddress) -> Item {
        let connection = zbus::blocking::connection::Builder::address(self.address.as_str()).unwrap().build().unwrap();
        Item { connection, address: address.clone() }
    }
}

/// One StatusNotifierItem as a panel sees it.
pub struct Item {
    connection: Connection,
    address: ItemAddress,
}

/// An item's ToolTip property: icon name, icon pixmaps, title, description.
type ToolTip = (String, Vec<(i32, i32, Vec<u8>)>, String, String);

impl Item {
    fn proxy(&self, path: &str, interface: &'static str) -> Proxy<'_> {
        Proxy::new(&self.connection, self.address.service.clone(), path.to_string(), interface).unwrap()
    }

    fn property(&self, name: &str) -> OwnedValue {
        self.proxy(&self.address.path, "org.kde.StatusNotifierItem").get_property(name).unwrap()
    }

    pub fn title(&self) -> String {
        String::try_from(self.property("Title")).unwrap()
    }

    /// The tooltip's title and description.
    pub fn tooltip(&self) -> (String, String) {
        let (_, _, title, description) = ToolTip::try_from(self.property("ToolTip")).unwrap();
        (title, description)
    }

    /// The icon's pixels (ARGB32), all sizes.
    pub fn icon_pixmap(&self) -> Vec<(i32, i32, Vec<u8>)> {
        <Vec<(i32, i32, Vec<u8>)>>::try_from(self.property("IconPixmap")).unwrap()
    }

    /// Activates the item as a left click on the panel does.
    pub fn activate(&self, x: i32, y: i32) {
        let _: () = self.proxy(&self.address.path, "org.kde.StatusNotifierItem").call("Activate", &(x, y)).unwrap();
    }

    fn menu(&self) -> Proxy<'_> {
        let path = zbus::zvariant::OwnedObjectPath::try_from(self.property("Menu")).unwrap();
        self.proxy(path.as_str(), "com.canonical.dbusmenu")
    }

    /// The top-level menu entries: (id, label), separators as "---".
    pub fn menu_entries(&self) -> Vec<(i32, String)> {
        type Node = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);
        let (_revision, (_id, _props, children)): (u32, Node) =
            self.menu().call("GetLayout", &(0i32, 1i32, Vec::<String>::new())).unwrap();
        children
            .into_iter()
            .map(|child| {
                let child = match Value::from(child) {
                    Value::Value(inner) => *inner,
                    other => other,
                };
                let (id, props, _): (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>) =
                    child.try_into().expect("a dbusmenu layout node");
                let separator =
                    props.get("type").and_then(|t| String::try_from(t.clone()).ok()).as_deref() == Some("separator");
                let label = if separator {
                    "---".to_string()
                } else {
                    props.get("label").map(|l| String::try_from(l.clone()).unwrap()).unwrap_or_default()
                };
                (id, label)
            })
            .collect()
    }

    /// Clicks the menu entry with this label, as the panel does.
    pub fn click_menu(&self, label: &str) {
        let entries = self.menu_entries();
        let (id, _) = entries.iter().find(|(_, l)| l == label).unwrap_or_else(|| panic!("no {label:?} in {entries:?}"));
        let _: () = self.menu().call("Event", &(*id, "clicked", Value::from(0i32), 0u32)).unwrap();
    }
}
