//! nixpkgs attribute ↔ PyPI distribution (DESIGN §12). The Python attributes
//! of nixpkgs are the PEP 503 names of their distributions except for a few
//! historical names, listed here. Source: the `pname` of each attribute's
//! package file in nixpkgs (pkgs/development/python-modules/*/default.nix).

use super::{pep503, Database};

/// (attribute, PyPI distribution as PEP 503 name) where they differ.
const RENAMED: &[(&str, &str)] = &[
    ("libvirt", "libvirt-python"),
    ("opencv4", "opencv-python"),
    ("pygobject3", "pygobject"),
    ("tensorflow-bin", "tensorflow"),
    ("torch-bin", "torch"),
    ("torchvision-bin", "torchvision"),
];

impl Database {
    /// The PyPI distribution (PEP 503 name) nixpkgs attribute `attr` packages.
    pub fn pypi_name(&self, attr: &str) -> String {
        let attr = self.canonical(attr).unwrap_or_else(|| attr.to_owned());
        match RENAMED.iter().find(|(a, _)| *a == attr) {
            Some((_, name)) => (*name).to_owned(),
            None => pep503(&attr),
        }
    }

    /// The nixpkgs attribute that packages PyPI distribution `name` (any
    /// spelling); the PEP 503 name when nixpkgs does not rename it.
    pub fn attr_of_pypi(&self, name: &str) -> String {
        let name = pep503(name);
        match RENAMED
            .iter()
            .find(|(a, n)| *n == name && !a.ends_with("-bin"))
        {
            Some((attr, _)) => (*attr).to_owned(),
            None => name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let db = Database::get();
        assert_eq!(db.pypi_name("pyyaml"), "pyyaml");
        assert_eq!(db.pypi_name("opencv4"), "opencv-python");
        assert_eq!(db.attr_of_pypi("OpenCV_Python"), "opencv4");
        assert_eq!(db.attr_of_pypi("torch"), "torch");
        assert_eq!(db.attr_of_pypi("typing_extensions"), "typing-extensions");
    }
}
