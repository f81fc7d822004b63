import DeepBayesCore

/// Test fixture: a plugin that loads, but whose factory throws its own error type (a backend
/// whose driver is missing at run time) from both `devices` and `make`.
struct FixtureDriverMissing: Error, CustomStringConvertible {
    var description: String { "the fixture's driver is not installed" }
}

@_cdecl("deepbayes_backend_plugin")
public func deepbayesBackendPlugin(_ host: UInt32, _ plugin: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    BackendPluginABI.answer(host: host, plugin: plugin) {
        BackendPlugin(factory: BackendFactory(name: "throwing", summary: "test fixture: a factory that throws",
                                              make: { _ in throw FixtureDriverMissing() },
                                              devices: { throw FixtureDriverMissing() }))
    }
}
