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
        let dataset: hid_t = try HDF5Library.locked {
            let space = try dataspace([count], object: object)
            defer { H5Sclose(space) }
            let lcpl = try HDF5Library.id("H5Pcreate", path: path, object: object, H5Pcreate(chdf5_p_link_create()))
            defer { H5Pclose(lcpl) }
            H5Pset_create_intermediate_group(lcpl, 1)
            let dcpl = try HDF5Library.id("H5Pcreate", path: path, object: object, H5Pcreate(chdf5_p_dataset_create()))
            defer { H5Pclose(dcpl) }
            if checksum, count > 0 {
                let chunk = Self.chunkShape([count], elementBytes: MemoryLayout<T>.stride).map { hsize_t($0) }
                try HDF5Library.status("H5Pset_chunk", path: path, object: object, H5Pset_chunk(dcpl, Int32(chunk.count), chunk))
                try HDF5Library.status("H5Pset_fletcher32", path: path, object: object, H5Pset_fletcher32(dcpl))
            }
            return try HDF5Library.id("H5Dcreate2", path: path, object: object,
                                      H5Dcreate2(id, child, T.nativeType, space, lcpl, dcpl, chdf5_p_default()))
        }
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
