import CHDF5

extension HDF5Group {
    /// Creates a one-dimensional dataset of `count` elements and lets `fill` write it piece by
    /// piece: `fill` gets a `write(offset, values)` that puts `values` at `offset`. For data that
    /// never exists whole in this process (ZeRO-1 moments arriving shard by shard). With
    /// `checksum` the dataset is chunked with Fletcher-32, as `writeDataset` makes it; `fill`
    /// must cover every element (what it leaves out reads as 0).
    public func writeStreamedDataset<T: HDF5Scalar>(_ child: String, count: Int, as type: T.Type = T.self, checksum: Bool = false,
                                                    _ fill: (_ write: (_ offset: Int, _ values: UnsafeBufferPointer<T>) throws -> Void) throws -> Void) throws {
        let object = childName(child)
        let dataset = try HDF5Library.locked { try createDataset(child, shape: [count], as: T.self, checksum: checksum) }
        defer { _ = HDF5Library.locked { H5Dclose(dataset) } }
        try fill { offset, values in
            guard offset >= 0, offset + values.count <= count else {
                throw HDF5Error.shapeMismatch(path: path, dataset: object, expected: [count], actual: [offset + values.count])
            }
            guard values.count > 0 else { return }
            try HDF5Library.locked {
                let file = try HDF5Library.id("H5Dget_space", path: path, object: object, H5Dget_space(dataset))
                defer { H5Sclose(file) }
                var start = [hsize_t(offset)], length = [hsize_t(values.count)]
                try HDF5Library.status("H5Sselect_hyperslab", path: path, object: object,
                                       H5Sselect_hyperslab(file, H5S_SELECT_SET, &start, nil, &length, nil))
                let memory = try HDF5Library.id("H5Screate_simple", path: path, object: object, H5Screate_simple(1, &length, nil))
                defer { H5Sclose(memory) }
                try HDF5Library.status("H5Dwrite", path: path, object: object,
                                       H5Dwrite(dataset, T.nativeType, memory, file, chdf5_p_default(), values.baseAddress))
            }
        }
    }
}
