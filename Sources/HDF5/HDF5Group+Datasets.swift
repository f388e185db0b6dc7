import CHDF5

extension HDF5Group {
    /// Writes a dataset of the given shape (row-major; `[]` is a scalar). With `checksum`, a
    /// non-empty array is stored in chunks of at most 1 MiB with HDF5's Fletcher-32 filter: every
    /// read (here, h5py, h5dump) then verifies each chunk and fails on a corrupted one.
    public func writeDataset<T: HDF5Scalar>(_ child: String, shape: [Int], from values: UnsafeBufferPointer<T>,
                                            checksum: Bool = false) throws {
        let object = childName(child)
        let expected = shape.reduce(1, *)
        guard expected == values.count, shape.allSatisfy({ $0 >= 0 }) else {
            throw HDF5Error.shapeMismatch(path: path, dataset: object, expected: shape, actual: [values.count])
        }
        try HDF5Library.locked {
            let dataset = try createDataset(child, shape: shape, as: T.self, checksum: checksum)
            defer { H5Dclose(dataset) }
            if values.count > 0 {
                try HDF5Library.status("H5Dwrite", path: path, object: object,
                                       H5Dwrite(dataset, T.nativeType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), values.baseAddress))
            }
        }
    }

    /// Creates dataset `child` (and missing groups on its path) of `shape`; with `checksum` and
    /// any elements, chunked with the Fletcher-32 filter. Call inside `HDF5Library.locked`; the
    /// caller closes the returned id.
    func createDataset<T: HDF5Scalar>(_ child: String, shape: [Int], as: T.Type, checksum: Bool) throws -> hid_t {
        let object = childName(child)
        let space = try dataspace(shape, object: object)
        defer { H5Sclose(space) }
        let lcpl = try HDF5Library.id("H5Pcreate", path: path, object: object, H5Pcreate(chdf5_p_link_create()))
        defer { H5Pclose(lcpl) }
        H5Pset_create_intermediate_group(lcpl, 1)
        let dcpl = try HDF5Library.id("H5Pcreate", path: path, object: object, H5Pcreate(chdf5_p_dataset_create()))
        defer { H5Pclose(dcpl) }
        if checksum, !shape.isEmpty, shape.reduce(1, *) > 0 {
            let chunk = Self.chunkShape(shape, elementBytes: MemoryLayout<T>.stride).map { hsize_t($0) }
            try HDF5Library.status("H5Pset_chunk", path: path, object: object, H5Pset_chunk(dcpl, Int32(chunk.count), chunk))
            try HDF5Library.status("H5Pset_fletcher32", path: path, object: object, H5Pset_fletcher32(dcpl))
        }
        return try HDF5Library.id("H5Dcreate2", path: path, object: object, H5Dcreate2(id, child, T.nativeType, space, lcpl, dcpl, chdf5_p_default()))
    }

    /// Writes an array as a dataset of the given shape (default: one dimension).
    public func writeDataset<T: HDF5Scalar>(_ child: String, _ values: [T], shape: [Int]? = nil, checksum: Bool = false) throws {
        try values.withUnsafeBufferPointer { try writeDataset(child, shape: shape ?? [values.count], from: $0, checksum: checksum) }
    }

    /// Whether a dataset carries the Fletcher-32 checksum filter.
    public func isChecksummed(_ child: String) throws -> Bool {
        try HDF5Library.locked {
            let dataset = try openDataset(child)
            defer { H5Dclose(dataset) }
            let dcpl = try HDF5Library.id("H5Dget_create_plist", path: path, object: childName(child), H5Dget_create_plist(dataset))
            defer { H5Pclose(dcpl) }
            let filters = H5Pget_nfilters(dcpl)
            for i in 0 ..< max(0, filters) {
                var flags: UInt32 = 0, elements = 0, config: UInt32 = 0
                if H5Pget_filter2(dcpl, UInt32(i), &flags, &elements, nil, 0, nil, &config) == H5Z_FILTER_FLETCHER32 { return true }
            }
            return false
        }
    }

    /// Chunks of whole trailing rows, the first dimension cut so a chunk holds at most 1 MiB.
    static func chunkShape(_ shape: [Int], elementBytes: Int) -> [Int] {
        let inner = shape.dropFirst().reduce(1, *) * elementBytes
        let rows = max(1, min(shape[0], (1 << 20) / max(inner, 1)))
        return [rows] + shape.dropFirst()
    }

    /// The shape of a dataset.
    public func datasetShape(_ child: String) throws -> [Int] {
        try HDF5Library.locked {
            let dataset = try openDataset(child)
            defer { H5Dclose(dataset) }
            return try shape(of: dataset, object: childName(child))
        }
    }

    /// Reads a whole dataset into `destination`, which must hold exactly its elements; with
    /// `expectedShape` the dataset's shape must match it exactly.
    public func readDataset<T: HDF5Scalar>(_ child: String, into destination: UnsafeMutableBufferPointer<T>,
                                           expectedShape: [Int]? = nil) throws {
        let object = childName(child)
        try HDF5Library.locked {
            let dataset = try openDataset(child)
            defer { H5Dclose(dataset) }
            let actual = try shape(of: dataset, object: object)
            if let expectedShape, expectedShape != actual {
                throw HDF5Error.shapeMismatch(path: path, dataset: object, expected: expectedShape, actual: actual)
            }
            guard actual.reduce(1, *) == destination.count else {
                throw HDF5Error.shapeMismatch(path: path, dataset: object, expected: [destination.count], actual: actual)
            }
            try checkClass(of: dataset, object: object, as: T.self)
            if destination.count > 0 {
                try HDF5Library.status("H5Dread", path: path, object: object,
                                       H5Dread(dataset, T.nativeType, chdf5_s_all(), chdf5_s_all(), chdf5_p_default(), destination.baseAddress))
            }
        }
    }

    /// Reads a whole dataset and its shape.
    public func readDataset<T: HDF5Scalar>(_ child: String, as type: T.Type = T.self,
                                           expectedShape: [Int]? = nil) throws -> (shape: [Int], values: [T]) {
        let shape = try datasetShape(child)
        if let expectedShape, expectedShape != shape {
            throw HDF5Error.shapeMismatch(path: path, dataset: childName(child), expected: expectedShape, actual: shape)
        }
        var values = [T](repeating: T.zero, count: shape.reduce(1, *))
        try values.withUnsafeMutableBufferPointer { try readDataset(child, into: $0, expectedShape: shape) }
        return (shape, values)
    }

    // MARK: - Helpers (call with the library lock held)

    func openDataset(_ child: String) throws -> hid_t {
        guard try contains(child) else { throw HDF5Error.missing(path: path, object: childName(child), kind: "dataset") }
        return try HDF5Library.id("H5Dopen2", path: path, object: childName(child), H5Dopen2(id, child, chdf5_p_default()))
    }

    func dataspace(_ shape: [Int], object: String) throws -> hid_t {
        if shape.isEmpty {
            return try HDF5Library.id("H5Screate", path: path, object: object, H5Screate(H5S_SCALAR))
        }
        let dims = shape.map { hsize_t($0) }
        return try HDF5Library.id("H5Screate_simple", path: path, object: object, H5Screate_simple(Int32(dims.count), dims, nil))
    }

    func shape(ofSpace space: hid_t, object: String) throws -> [Int] {
        let rank = H5Sget_simple_extent_ndims(space)
        guard rank >= 0 else { throw HDF5Library.failure("H5Sget_simple_extent_ndims", path: path, object: object) }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        if rank > 0, H5Sget_simple_extent_dims(space, &dims, nil) < 0 {
            throw HDF5Library.failure("H5Sget_simple_extent_dims", path: path, object: object)
        }
        return dims.map { Int($0) }
    }

    private func shape(of dataset: hid_t, object: String) throws -> [Int] {
        let space = try HDF5Library.id("H5Dget_space", path: path, object: object, H5Dget_space(dataset))
        defer { H5Sclose(space) }
        return try shape(ofSpace: space, object: object)
    }

    /// Refuses to read integers as floats or the reverse (HDF5 would convert silently).
    private func checkClass<T: HDF5Scalar>(of dataset: hid_t, object: String, as: T.Type) throws {
        let type = try HDF5Library.id("H5Dget_type", path: path, object: object, H5Dget_type(dataset))
        defer { H5Tclose(type) }
        let typeClass = H5Tget_class(type)
        guard typeClass == T.typeClass else {
            throw HDF5Error.typeMismatch(path: path, object: object, expected: T.typeName, actual: typeClass.name)
        }
    }
}
