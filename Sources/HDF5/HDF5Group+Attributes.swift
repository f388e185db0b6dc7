import CHDF5

extension HDF5Group {
    /// Sets a UTF-8 string attribute (variable length, so h5py reads it as `str`), replacing any
    /// attribute of that name.
    public func setAttribute(_ attribute: String, _ value: String) throws {
        try HDF5Library.locked {
            let object = "\(name)@\(attribute)"
            let type = try stringType(object: object)
            defer { H5Tclose(type) }
            try value.withCString { cString in
                var pointer: UnsafePointer<CChar>? = cString
                try writeAttribute(attribute, type: type, shape: [], object: object, &pointer)
            }
        }
    }

    /// Sets a numeric attribute: a scalar when `values` has one element and `shape` is nil.
    public func setAttribute<T: HDF5Scalar>(_ attribute: String, _ values: [T], shape: [Int]? = nil) throws {
        try HDF5Library.locked {
            var values = values
            try writeAttribute(attribute, type: T.nativeType, shape: shape ?? (values.count == 1 ? [] : [values.count]),
                               object: "\(name)@\(attribute)", &values)
        }
    }

    /// Sets a scalar Int64 attribute.
    public func setAttribute(_ attribute: String, _ value: Int64) throws { try setAttribute(attribute, [value]) }
    /// Sets a scalar Double attribute.
    public func setAttribute(_ attribute: String, _ value: Double) throws { try setAttribute(attribute, [value]) }

    /// True when the group has an attribute of that name.
    public func hasAttribute(_ attribute: String) throws -> Bool {
        try HDF5Library.locked {
            try HDF5Library.truth("H5Aexists", path: path, object: "\(name)@\(attribute)", H5Aexists(id, attribute))
        }
    }

    /// Reads a string attribute (variable or fixed length).
    public func stringAttribute(_ attribute: String) throws -> String {
        let object = "\(name)@\(attribute)"
        return try withAttribute(attribute, typeClass: H5T_STRING, typeName: "string") { attr, stored in
            if try HDF5Library.truth("H5Tis_variable_str", path: path, object: object, H5Tis_variable_str(stored)) {
                let memory = try stringType(object: object)
                defer { H5Tclose(memory) }
                var pointer: UnsafeMutablePointer<CChar>? = nil
                try HDF5Library.status("H5Aread", path: path, object: object, H5Aread(attr, memory, &pointer))
                defer { if let pointer { H5free_memory(pointer) } }
                return pointer.map { String(cString: $0) } ?? ""
            }
            let size = H5Tget_size(stored)
            var bytes = [UInt8](repeating: 0, count: size + 1)
            try HDF5Library.status("H5Aread", path: path, object: object, H5Aread(attr, stored, &bytes))
            return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Reads a numeric attribute's values (all elements, row-major).
    public func numericAttribute<T: HDF5Scalar>(_ attribute: String, as type: T.Type = T.self) throws -> [T] {
        let object = "\(name)@\(attribute)"
        return try withAttribute(attribute, typeClass: T.typeClass, typeName: T.typeName) { attr, _ in
            let space = try HDF5Library.id("H5Aget_space", path: path, object: object, H5Aget_space(attr))
            defer { H5Sclose(space) }
            let count = try shape(ofSpace: space, object: object).reduce(1, *)
            var values = [T](repeating: T.zero, count: count)
            try HDF5Library.status("H5Aread", path: path, object: object, H5Aread(attr, T.nativeType, &values))
            return values
        }
    }

    /// Reads a scalar Int64 attribute.
    public func int64Attribute(_ attribute: String) throws -> Int64 { try scalarAttribute(attribute, as: Int64.self) }
    /// Reads a scalar Double attribute.
    public func doubleAttribute(_ attribute: String) throws -> Double { try scalarAttribute(attribute, as: Double.self) }

    /// The names of the group's attributes, sorted.
    public func attributeNames() throws -> [String] {
        try HDF5Library.locked {
            let names = NameCollector()
            let visit: H5A_operator2_t = { _, attributeName, _, context in NameCollector.append(attributeName, to: context) }
            var index: hsize_t = 0
            try HDF5Library.status("H5Aiterate2", path: path, object: name,
                                   H5Aiterate2(id, H5_INDEX_NAME, H5_ITER_INC, &index, visit, names.context))
            return names.list
        }
    }

    // MARK: - Helpers

    private func scalarAttribute<T: HDF5Scalar>(_ attribute: String, as type: T.Type) throws -> T {
        let values = try numericAttribute(attribute, as: T.self)
        guard values.count == 1 else {
            throw HDF5Error.shapeMismatch(path: path, dataset: "\(name)@\(attribute)", expected: [], actual: [values.count])
        }
        return values[0]
    }

    /// Opens an attribute, checks its type class and passes the attribute and stored type ids to
    /// `body`, holding the library lock; both ids are closed afterwards.
    private func withAttribute<R>(_ attribute: String, typeClass: H5T_class_t, typeName: String,
                                  _ body: (_ attr: hid_t, _ storedType: hid_t) throws -> R) throws -> R {
        let object = "\(name)@\(attribute)"
        return try HDF5Library.locked {
            let attr = try openAttribute(attribute)
            defer { H5Aclose(attr) }
            let stored = try HDF5Library.id("H5Aget_type", path: path, object: object, H5Aget_type(attr))
            defer { H5Tclose(stored) }
            guard H5Tget_class(stored) == typeClass else {
                throw HDF5Error.typeMismatch(path: path, object: object, expected: typeName, actual: H5Tget_class(stored).name)
            }
            return try body(attr, stored)
        }
    }

    private func openAttribute(_ attribute: String) throws -> hid_t {
        let object = "\(name)@\(attribute)"
        guard try HDF5Library.truth("H5Aexists", path: path, object: object, H5Aexists(id, attribute)) else {
            throw HDF5Error.missing(path: path, object: object, kind: "attribute")
        }
        return try HDF5Library.id("H5Aopen", path: path, object: object, H5Aopen(id, attribute, chdf5_p_default()))
    }

    private func stringType(object: String) throws -> hid_t {
        let type = try HDF5Library.id("H5Tcopy", path: path, object: object, H5Tcopy(chdf5_c_s1()))
        H5Tset_size(type, chdf5_variable())
        H5Tset_cset(type, H5T_CSET_UTF8)
        return type
    }

    private func writeAttribute(_ attribute: String, type: hid_t, shape: [Int], object: String,
                                _ data: UnsafeMutableRawPointer) throws {
        if try HDF5Library.truth("H5Aexists", path: path, object: object, H5Aexists(id, attribute)) {
            try HDF5Library.status("H5Adelete", path: path, object: object, H5Adelete(id, attribute))
        }
        let space = try dataspace(shape, object: object)
        defer { H5Sclose(space) }
        let attr = try HDF5Library.id("H5Acreate2", path: path, object: object,
                                      H5Acreate2(id, attribute, type, space, chdf5_p_default(), chdf5_p_default()))
        defer { H5Aclose(attr) }
        try HDF5Library.status("H5Awrite", path: path, object: object, H5Awrite(attr, type, data))
    }
}
