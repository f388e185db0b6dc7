import CHDF5

/// A group in an open HDF5 file: holds datasets, subgroups and attributes. Names may be paths
/// relative to the group ("model/layers").
public final class HDF5Group: @unchecked Sendable {
    /// The file this group belongs to (kept alive by the group).
    public let file: HDF5File
    /// The group's absolute name in the file.
    public let name: String
    let id: hid_t

    init(file: HDF5File, name: String, id: hid_t) {
        self.file = file
        self.name = name
        self.id = id
    }

    convenience init(file: HDF5File, name: String) throws {
        let id = try HDF5Library.id("H5Gopen2", path: file.path, object: name,
                                    H5Gopen2(try file.openID(), name, chdf5_p_default()))
        self.init(file: file, name: name, id: id)
    }

    deinit {
        HDF5Library.locked {
            // A strong file close has already closed this group; only close ids still valid.
            if H5Iis_valid(id) > 0 { H5Gclose(id) }
        }
    }

    var path: String { file.path }

    /// The absolute name of a child.
    func childName(_ child: String) -> String { name == "/" ? "/\(child)" : "\(name)/\(child)" }

    /// Creates a subgroup (intermediate groups included).
    @discardableResult
    public func createGroup(_ child: String) throws -> HDF5Group {
        try HDF5Library.locked {
            let lcpl = try HDF5Library.id("H5Pcreate", path: path, object: childName(child), H5Pcreate(chdf5_p_link_create()))
            defer { H5Pclose(lcpl) }
            H5Pset_create_intermediate_group(lcpl, 1)
            let gid = try HDF5Library.id("H5Gcreate2", path: path, object: childName(child),
                                         H5Gcreate2(id, child, lcpl, chdf5_p_default(), chdf5_p_default()))
            return HDF5Group(file: file, name: childName(child), id: gid)
        }
    }

    /// Opens an existing subgroup.
    public func group(_ child: String) throws -> HDF5Group {
        try HDF5Library.locked {
            guard try contains(child) else { throw HDF5Error.missing(path: path, object: childName(child), kind: "group") }
            let gid = try HDF5Library.id("H5Gopen2", path: path, object: childName(child), H5Gopen2(id, child, chdf5_p_default()))
            return HDF5Group(file: file, name: childName(child), id: gid)
        }
    }

    /// True when a link (group or dataset) of that name exists, checking each path component.
    public func contains(_ child: String) throws -> Bool {
        try HDF5Library.locked {
            var prefix = ""
            for component in child.split(separator: "/") {
                prefix = prefix.isEmpty ? String(component) : "\(prefix)/\(component)"
                let exists = try HDF5Library.truth("H5Lexists", path: path, object: childName(prefix),
                                                   H5Lexists(id, prefix, chdf5_p_default()))
                if !exists { return false }
            }
            return !prefix.isEmpty
        }
    }

    /// The names of the group's direct children (groups and datasets), sorted by name.
    public func childNames() throws -> [String] {
        try HDF5Library.locked {
            let names = NameCollector()
            let visit: H5L_iterate_t = { _, linkName, _, context in NameCollector.append(linkName, to: context) }
            var index: hsize_t = 0
            try HDF5Library.status("H5Literate", path: path, object: name,
                                   H5Literate(id, H5_INDEX_NAME, H5_ITER_INC, &index, visit, names.context))
            return names.list
        }
    }
}

/// Collects names from HDF5's iteration callbacks (links, attributes), which take a C function
/// and an opaque context pointer.
final class NameCollector {
    private(set) var list: [String] = []

    /// The pointer to hand HDF5 as the callback's context (valid while `self` lives).
    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    /// Appends `name` to the collector behind `context`; returns 0 (continue iterating).
    static func append(_ name: UnsafePointer<CChar>?, to context: UnsafeMutableRawPointer?) -> herr_t {
        guard let name, let context else { return 0 }
        Unmanaged<NameCollector>.fromOpaque(context).takeUnretainedValue().list.append(String(cString: name))
        return 0
    }
}
