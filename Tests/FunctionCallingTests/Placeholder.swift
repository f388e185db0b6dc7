import Testing

@Test func FunctionCallingTestsTargetBuilds() {
    #expect(Bool(true))
}
