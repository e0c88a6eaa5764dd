//! Resolution of import names to nixpkgs attributes (DESIGN §4.2).

use nixdeps::db::{AliasTarget, Database, NamespaceKind, Resolution};

fn attr_of(module: &str) -> Option<String> {
    Database::get().resolve(module).attr().map(str::to_string)
}

/// Well-known import names whose nixpkgs attribute differs from the module.
const WELL_KNOWN: &[(&str, &str)] = &[
    ("yaml", "pyyaml"),
    ("PIL", "pillow"),
    ("PIL.Image", "pillow"),
    ("cv2", "opencv4"),
    ("sklearn", "scikit-learn"),
    ("sklearn.linear_model", "scikit-learn"),
    ("skimage", "scikit-image"),
    ("bs4", "beautifulsoup4"),
    ("dateutil", "python-dateutil"),
    ("dateutil.parser", "python-dateutil"),
    ("dotenv", "python-dotenv"),
    ("jose", "python-jose"),
    ("telegram", "python-telegram-bot"),
    ("telegram.ext", "python-telegram-bot"),
    ("discord", "discordpy"),
    ("git", "gitpython"),
    ("github", "pygithub"),
    ("Crypto", "pycryptodome"),
    ("Crypto.Cipher.AES", "pycryptodome"),
    ("Cryptodome", "pycryptodomex"),
    ("OpenSSL", "pyopenssl"),
    ("nacl", "pynacl"),
    ("zmq", "pyzmq"),
    ("MySQLdb", "mysqlclient"),
    ("ldap", "python-ldap"),
    ("attr", "attrs"),
    ("pkg_resources", "setuptools"),
    ("grpc", "grpcio"),
    ("websocket", "websocket-client"),
    ("socks", "pysocks"),
    ("gi", "pygobject3"),
    ("gi.repository", "pygobject3"),
    ("cairo", "pycairo"),
    ("dbus", "dbus-python"),
    ("dbus.mainloop.glib", "dbus-python"),
    ("PyQt5", "pyqt5"),
    ("PyQt5.QtWidgets", "pyqt5"),
    ("PyQt5.QtWebEngineWidgets", "pyqtwebengine"),
    ("PyQt6", "pyqt6"),
    ("PySide6", "pyside6"),
    ("wx", "wxpython"),
    ("Xlib", "xlib"),
    ("Xlib.display", "xlib"),
    ("usb", "pyusb"),
    ("usb.core", "pyusb"),
    ("serial", "pyserial"),
    ("serial.tools.list_ports", "pyserial"),
    ("RPi", "rpi-gpio"),
    ("RPi.GPIO", "rpi-gpio"),
    ("magic", "python-magic"),
    ("selinux", "libselinux"),
    ("apt", "python-apt"),
    ("apt_pkg", "python-apt"),
    ("Bio", "biopython"),
    ("Bio.Seq", "biopython"),
    ("mpl_toolkits.mplot3d", "matplotlib"),
    ("netCDF4", "netcdf4"),
    ("osgeo", "gdal"),
    ("osgeo.gdal", "gdal"),
    ("fitz", "pymupdf"),
    ("docx", "python-docx"),
    ("pptx", "python-pptx"),
    ("jwt", "pyjwt"),
    ("slugify", "python-slugify"),
    ("progressbar", "progressbar2"),
    ("fuse", "fusepy"),
    ("google.protobuf", "protobuf"),
    ("google.protobuf.json_format", "protobuf"),
    ("google.cloud.storage", "google-cloud-storage"),
    ("google.cloud.bigquery", "google-cloud-bigquery"),
    ("google.auth", "google-auth"),
    ("google.oauth2.service_account", "google-auth"),
    ("googleapiclient.discovery", "google-api-python-client"),
    ("azure.storage.blob", "azure-storage-blob"),
    ("azure.identity", "azure-identity"),
    ("zope.interface", "zope-interface"),
    ("ruamel.yaml", "ruamel-yaml"),
    ("jaraco.classes", "jaraco-classes"),
    ("IPython", "ipython"),
    ("IPython.display", "ipython"),
    ("dns.resolver", "dnspython"),
    ("serial_asyncio", "pyserial-asyncio"),
    ("usb1", "libusb1"),
    ("pywt", "pywavelets"),
    ("speech_recognition", "speechrecognition"),
    ("telebot", "pytelegrambotapi"),
    ("rest_framework", "djangorestframework"),
    ("OpenGL.GL", "pyopengl"),
    ("hid", "hidapi"),
    ("smartcard", "pyscard"),
    ("bluetooth", "pybluez"),
    ("z3", "z3-solver"),
    ("yt_dlp", "yt-dlp"),
    ("whisper", "openai-whisper"),
    ("mpd", "mpd2"),
    ("xdg", "pyxdg"),
    ("elftools", "pyelftools"),
    ("pwn", "pwntools"),
    ("paho.mqtt.client", "paho-mqtt"),
    ("kafka", "kafka-python-ng"),
    ("pdfminer.high_level", "pdfminer-six"),
    ("umap", "umap-learn"),
    ("prompt_toolkit", "prompt-toolkit"),
    ("Levenshtein", "levenshtein"),
    ("email_validator", "email-validator"),
    ("sentry_sdk", "sentry-sdk"),
    ("multipart", "python-multipart"),
    ("markdown_it", "markdown-it-py"),
    ("vlc", "python-vlc"),
    ("erfa", "pyerfa"),
    ("ffmpeg", "ffmpeg-python"),
    ("Stemmer", "pystemmer"),
    ("psycopg2.extras", "psycopg2"),
    ("smbus", "smbus-cffi"),
    ("gpiod", "libgpiod"),
    ("distutils", "setuptools"),
];

#[test]
fn well_known_import_names() {
    let db = Database::get();
    let mut failures = Vec::new();
    for (module, want) in WELL_KNOWN {
        let got = attr_of(module);
        if got.as_deref() != Some(*want) {
            failures.push(format!("{module}: want {want}, got {got:?}"));
        }
        assert!(
            db.has_attr(want),
            "{want} is not an attribute of the snapshot"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let differing = WELL_KNOWN
        .iter()
        .filter(|(m, a)| nixdeps::db::pep503(m.split('.').next().unwrap()) != *a)
        .count();
    assert!(
        differing >= 60,
        "only {differing} names differ from their attribute"
    );
}

#[test]
fn stdlib_names_never_map() {
    // The shared mapping has queue → future, enum → enum34, tkinter/winreg →
    // future, readline → gnureadline, test → pytabix; nixpkgs also has an
    // attribute called `typing` (the old backport).
    for m in [
        "queue",
        "enum",
        "tkinter",
        "tkinter.ttk",
        "winreg",
        "readline",
        "test",
        "test.support",
        "typing",
        "json",
        "os.path",
        "asyncio",
        "dataclasses",
        "tomllib",
        "annotationlib",
        "compression.zstd",
    ] {
        assert_eq!(Database::get().resolve(m), Resolution::Unresolved, "{m}");
    }
}

#[test]
fn removed_stdlib_modules_resolve_to_their_restorers() {
    // Not stdlib on 3.13, so the imports stage asks the database.
    assert_eq!(attr_of("asyncore").as_deref(), Some("pyasyncore"));
    assert_eq!(attr_of("cgi").as_deref(), Some("legacy-cgi"));
    match Database::get().resolve("distutils.core") {
        Resolution::Resolved {
            attr, alternatives, ..
        } => {
            assert_eq!(attr, "setuptools");
            assert_eq!(alternatives, vec!["distutils".to_string()]);
        }
        r => panic!("{r:?}"),
    }
}

#[test]
fn longest_prefix_wins() {
    let db = Database::get();
    match db.resolve("google.cloud.storage.blob") {
        Resolution::Resolved { attr, matched, .. } => {
            assert_eq!(attr, "google-cloud-storage");
            assert_eq!(matched, "google.cloud.storage");
        }
        r => panic!("{r:?}"),
    }
    // google.cloud alone is google-cloud-core, the owner of the namespace.
    assert_eq!(
        attr_of("google.cloud").as_deref(),
        Some("google-cloud-core")
    );
    match db.resolve("yaml.constructor") {
        Resolution::Resolved { attr, matched, .. } => {
            assert_eq!((attr.as_str(), matched.as_str()), ("pyyaml", "yaml"));
        }
        r => panic!("{r:?}"),
    }
}

#[test]
fn namespace_roots() {
    let db = Database::get();
    assert_eq!(db.namespace("google"), Some(NamespaceKind::Pure));
    assert_eq!(db.namespace("google.cloud"), Some(NamespaceKind::Owned));
    // The roots alone never pick one of the many distributions (the shared
    // pipreqs rows had google → protobuf, azure → 10 packages), and nixpkgs'
    // unrelated `google` attribute must not be chosen by PEP 503.
    for m in [
        "google",
        "azure",
        "backports",
        "zope",
        "jaraco",
        "google.nonexistent_xyz",
    ] {
        assert_eq!(db.resolve(m), Resolution::Unresolved, "{m}");
    }
    // Unknown sub-packages of a namespace go by their PEP 503 dotted name.
    for (m, want) in [
        // Namespace members no evidence row lists (Debian knows
        // azure.mgmt.keyvault, so that one resolves through its row now).
        (
            "azure.mgmt.mysqlflexibleservers",
            "azure-mgmt-mysqlflexibleservers",
        ),
        (
            "sphinxcontrib.confluencebuilder",
            "sphinxcontrib-confluencebuilder",
        ),
        ("jaraco.stream", "jaraco-stream"),
        (
            "opentelemetry.instrumentation.flask",
            "opentelemetry-instrumentation-flask",
        ),
    ] {
        match db.resolve(m) {
            Resolution::Resolved { attr, source, .. } => {
                assert_eq!(attr, want, "{m}");
                assert_eq!(source, "pep503", "{m}");
            }
            r => panic!("{m}: {r:?}"),
        }
    }
    // Outside a namespace a dotted PEP 503 name is never tried.
    assert_eq!(attr_of("requests.auth").as_deref(), Some("requests"));
}

#[test]
fn pep503_fallback() {
    let db = Database::get();
    for (m, want) in [
        ("typing_extensions", "typing-extensions"),
        ("more_itertools", "more-itertools"),
        ("requests", "requests"),
        ("numpy.linalg", "numpy"),
        ("Flask_Cors", "flask-cors"),
    ] {
        match db.resolve(m) {
            Resolution::Resolved { attr, .. } => assert_eq!(attr, want, "{m}"),
            r => panic!("{m}: {r:?}"),
        }
    }
    // A name that is neither mapped nor an attribute.
    assert_eq!(
        db.resolve("surely_not_a_package_xyz"),
        Resolution::Unresolved
    );
    assert_eq!(db.resolve(""), Resolution::Unresolved);
}

#[test]
fn alias_fallback_resolves_renamed_names() {
    // python-aliases.nix: asyncio-nats-client = nats-py (renamed 2022-02-08).
    match Database::get().resolve("asyncio_nats_client") {
        Resolution::Resolved { attr, source, .. } => {
            assert_eq!(attr, "nats-py");
            assert_eq!(source, "alias");
        }
        r => panic!("{r:?}"),
    }
}

#[test]
fn preference_with_alternatives() {
    let db = Database::get();
    for (m, want, alt) in [
        ("jwt", "pyjwt", "jwt"),
        ("progressbar", "progressbar2", "progressbar33"),
        ("fuse", "fusepy", "fuse"),
        ("cv2", "opencv4", "opencv-python-headless"),
        ("magic", "python-magic", "magic"),
        ("pygame", "pygame", "pygame-ce"),
        ("Crypto", "pycryptodome", "pycrypto"),
        ("bson", "pymongo", "bson"),
    ] {
        match db.resolve(m) {
            Resolution::Resolved {
                attr, alternatives, ..
            } => {
                assert_eq!(attr, want, "{m}");
                assert!(
                    alternatives.iter().any(|a| a == alt),
                    "{m}: {alternatives:?}"
                );
                assert!(!alternatives.contains(&attr), "{m}");
            }
            r => panic!("{m}: {r:?}"),
        }
    }
    match db.resolve("yaml") {
        Resolution::Resolved { alternatives, .. } => assert!(alternatives.is_empty()),
        r => panic!("{r:?}"),
    }
}

#[test]
fn from_import_of_a_namespace_member() {
    let db = Database::get();
    assert_eq!(
        db.resolve_from("google.cloud", "storage").attr(),
        Some("google-cloud-storage")
    );
    assert_eq!(db.resolve_from("PIL", "Image").attr(), Some("pillow"));
    assert_eq!(
        db.resolve_from("azure", "identity").attr(),
        Some("azure-identity")
    );
    assert_eq!(
        db.resolve_from("google.cloud", "*").attr(),
        Some("google-cloud-core")
    );
    // A name that is not a module falls back to the module itself.
    assert_eq!(db.resolve_from("requests", "get").attr(), Some("requests"));
}

#[test]
fn aliases_renamed_removed_top_level() {
    let db = Database::get();
    let a = db.alias("Babel").expect("Babel alias");
    assert_eq!(a.target, AliasTarget::Renamed("babel".into()));
    let a = db.alias("pathlib").expect("pathlib alias");
    assert_eq!(a.target, AliasTarget::Removed);
    assert!(a.note.contains("standard library"), "{}", a.note);
    let a = db.alias("gtimelog").expect("gtimelog alias");
    assert_eq!(a.target, AliasTarget::TopLevel("gtimelog".into()));
    assert_eq!(db.alias("requests"), None);
    assert_eq!(db.canonical("Babel").as_deref(), Some("babel"));
    assert_eq!(db.canonical("pathlib"), None);
}

#[test]
fn has_attr_and_snapshot() {
    let db = Database::get();
    for a in [
        "requests",
        "pyyaml",
        "opencv4",
        "gdal",
        "pygobject3",
        "django_4",
    ] {
        assert!(db.has_attr(a), "{a}");
    }
    for a in ["yaml", "Babel", "pathlib", "python3", ""] {
        assert!(!db.has_attr(a), "{a}");
    }
    assert_eq!(db.snapshot(), "late 2025");
}

#[test]
fn provides_lists_modules_and_own_name() {
    let db = Database::get();
    let p = db.provides("python-dateutil");
    assert!(p.contains(&"dateutil".to_string()), "{p:?}");
    assert!(p.contains(&"python_dateutil".to_string()), "{p:?}");
    assert!(!p.iter().any(|m| m.contains('.')), "{p:?}");
    let p = db.provides("protobuf");
    assert!(p.contains(&"google.protobuf".to_string()), "{p:?}");
    assert!(!p.contains(&"google".to_string()), "{p:?}");
    assert!(db.provides("pygame-ce").contains(&"pygame".to_string()));
    assert!(db
        .provides("jaraco-stream")
        .contains(&"jaraco.stream".to_string()));
    assert!(db
        .provides("google-cloud-storage")
        .contains(&"google.cloud.storage".to_string()));

    assert!(db.provides_module("protobuf", "google.protobuf.message"));
    assert!(!db.provides_module("protobuf", "google.auth"));
    assert!(db.provides_module("pyyaml", "yaml.constructor"));
    assert!(db.provides_module("pygame-ce", "pygame.sprite"));
    assert!(db.provides_module("jaraco-text", "jaraco.text"));
    assert!(!db.provides_module("requests", "urllib3"));
}

#[test]
fn stub_targets() {
    let db = Database::get();
    for (stub, target) in [
        ("types-requests", "requests"),
        ("types-pyyaml", "pyyaml"),
        ("types-python-dateutil", "python-dateutil"),
        ("types-dateutil", "python-dateutil"),
        ("types-pillow", "pillow"),
        ("pandas-stubs", "pandas"),
        ("django-stubs", "django"),
        ("mypy-boto3-s3", "boto3"),
        ("types-aiobotocore-s3", "aiobotocore"),
        // Not in the snapshot: the naming rule still applies.
        ("requests-stubs", "requests"),
    ] {
        assert_eq!(db.stub_target(stub).as_deref(), Some(target), "{stub}");
    }
    for a in ["requests", "numpy", "types-surely-not-xyz", "stubs"] {
        assert_eq!(db.stub_target(a), None, "{a}");
    }
}

#[test]
fn known_unmapped_names_carry_a_note() {
    let db = Database::get();
    for m in ["win32api", "win32com.client", "boto.s3"] {
        assert_eq!(db.resolve(m), Resolution::Unresolved, "{m}");
        assert!(db.unresolved_note(m).is_some(), "{m}");
    }
    assert_eq!(db.unresolved_note("requests"), None);
}

#[test]
fn variants_provide_their_base_modules() {
    let db = Database::get();
    assert_eq!(db.variant_of("django_4"), Some("django"));
    assert_eq!(db.variant_of("torch-bin"), Some("torch"));
    assert_eq!(db.variant_of("numpy_2"), Some("numpy"));
    assert_eq!(db.variant_of("django"), None);
    // A different package built in the same directory is not a variant.
    assert_eq!(db.variant_of("pyqt5-sip"), None);
    assert_eq!(db.variant_of("mypy-boto3-inspector2"), None);
    assert!(db.provides_module("django_4", "django.db"));
    assert!(db.provides_module("protobuf5", "google.protobuf"));
    assert!(db.provides_module("tensorflowWithCuda", "tensorflow.keras"));
    assert!(db.provides("numpy_1").contains(&"numpy".to_string()));
    assert!(!db.provides_module("django_4", "numpy"));
    assert!(db.propagated("django_5").contains(&"sqlparse".to_string()));
}

proptest::proptest! {
    /// Arbitrary module text never panics, and resolution is deterministic.
    #[test]
    fn resolve_never_panics(m in "[a-zA-Z0-9_.\\-é ]{0,40}") {
        let db = Database::get();
        let r = db.resolve(&m);
        proptest::prop_assert_eq!(&r, &db.resolve(&m));
        if let Resolution::Resolved { matched, attr, .. } = &r {
            proptest::prop_assert!(m.trim().starts_with(matched.as_str()));
            proptest::prop_assert!(!attr.is_empty());
        }
        let _ = db.resolve_from(&m, "x");
        let _ = db.provides(&m);
        let _ = db.stub_target(&m);
        let _ = db.propagated(&m);
    }
}

#[test]
fn submodules_follow_their_parent() {
    // nixpkgs' pygame-ce checks pygame.sprite; that must not make the fork
    // win for sub-modules while pygame wins for the package.
    assert_eq!(attr_of("pygame.sprite").as_deref(), Some("pygame"));
    assert_eq!(
        attr_of("discord.ext.commands").as_deref(),
        Some("discordpy")
    );
    // Real sub-distributions keep their own row.
    assert_eq!(attr_of("PyQt5.sip").as_deref(), Some("pyqt5-sip"));
    assert_eq!(attr_of("databricks.sdk").as_deref(), Some("databricks-sdk"));
    assert_eq!(
        attr_of("databricks.connect").as_deref(),
        Some("databricks-connect")
    );
    assert_eq!(
        attr_of("llama_index.llms.openai").as_deref(),
        Some("llama-index-llms-openai")
    );
    assert_eq!(
        attr_of("llama_index.core").as_deref(),
        Some("llama-index-core")
    );
}

#[test]
fn an_owned_namespace_root_does_not_provide_its_neighbours() {
    let db = Database::get();
    // matplotlib ships mpl_toolkits itself and mplot3d; basemap ships
    // mpl_toolkits.basemap. Declaring matplotlib does not provide basemap.
    assert_eq!(db.resolve("mpl_toolkits").attr(), Some("matplotlib"));
    assert!(db.provides_module("matplotlib", "mpl_toolkits.mplot3d"));
    assert!(db.provides_module("matplotlib", "mpl_toolkits.mplot3d.axes3d"));
    assert!(!db.provides_module("matplotlib", "mpl_toolkits.basemap"));
    assert!(db.provides_module("basemap", "mpl_toolkits.basemap"));
    // Likewise google-cloud-core (google.cloud) and google-cloud-storage.
    assert!(db.provides_module("google-cloud-core", "google.cloud"));
    assert!(!db.provides_module("google-cloud-core", "google.cloud.storage"));
    assert!(db.provides_module("google-cloud-storage", "google.cloud.storage.blob"));
    // paste owns paste; paste.deploy is PasteDeploy.
    assert!(!db.provides_module("paste", "paste.deploy"));
}
