/// Checked, typed HDF5 files: every library call is checked and errors name the file and object.
public enum HDF5 {}
