import DeepBayesCore

/// The plugin entry point that `deepbayes` finds by name in `libdeepbayes-backend-openblas.so`:
/// the handshake of `BackendPluginABI` (this build's tag is written to `plugin`; only when it
/// equals the `host`'s tag does it return a retained `BackendPlugin`), then the factory.
/// It does nothing else, so a host of another SDK or compiler refuses it before any Swift
/// value crosses.
@_cdecl("deepbayes_backend_plugin")
public func deepbayesBackendPlugin(_ host: UInt32, _ plugin: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    BackendPluginABI.answer(host: host, plugin: plugin) { BackendPlugin(factory: OpenBLASBackend.factory) }
}
