import DeepBayesCore
import DeepBayesReferenceBackend

/// Test fixture: a working plugin, the reference backend under the name `twin` (two copies of
/// it make a name conflict; one copy under another file name makes a name mismatch).
@_cdecl("deepbayes_backend_plugin")
public func deepbayesBackendPlugin(_ host: UInt32, _ plugin: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    BackendPluginABI.answer(host: host, plugin: plugin) {
        BackendPlugin(factory: BackendFactory(name: "twin", summary: "test fixture: the reference backend as a plugin",
                                              make: { _ in ReferenceBackend() },
                                              devices: { try ReferenceBackend.factory.devices() }))
    }
}
