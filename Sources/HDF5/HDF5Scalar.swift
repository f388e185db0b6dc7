import CHDF5

/// A numeric type stored in HDF5 datasets and attributes.
public protocol HDF5Scalar: BitwiseCopyable, Sendable {
    /// HDF5's native type for it.
    static var nativeType: hid_t { get }
    /// HDF5's type class (float or integer), used to refuse silent int/float conversions.
    static var typeClass: H5T_class_t { get }
    /// A readable name for errors.
    static var typeName: String { get }
    static var zero: Self { get }
}

extension Float: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_native_float() }
    public static var typeClass: H5T_class_t { H5T_FLOAT }
    public static var typeName: String { "Float32" }
}

extension Double: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_native_double() }
    public static var typeClass: H5T_class_t { H5T_FLOAT }
    public static var typeName: String { "Float64" }
}

extension Int32: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_native_int32() }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var typeName: String { "Int32" }
}

extension Int64: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_native_int64() }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var typeName: String { "Int64" }
}

extension UInt8: HDF5Scalar {
    public static var nativeType: hid_t { chdf5_native_uint8() }
    public static var typeClass: H5T_class_t { H5T_INTEGER }
    public static var typeName: String { "UInt8" }
}

extension H5T_class_t {
    var name: String {
        switch self {
        case H5T_INTEGER: return "integer"
        case H5T_FLOAT: return "float"
        case H5T_STRING: return "string"
        case H5T_COMPOUND: return "compound"
        case H5T_ARRAY: return "array"
        default: return "type class \(rawValue)"
        }
    }
}
