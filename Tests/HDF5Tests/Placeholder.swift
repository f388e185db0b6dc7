import Testing

@Test func HDF5TestsTargetBuilds() {
    #expect(Bool(true))
}
