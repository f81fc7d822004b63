#if DEEPBAYES_BACKEND_PLUGIN
import DeepBayesCore

/// The plugin entry point, compiled only into the plugin builds of this backend (one per
/// instruction-set level): the handshake of `BackendPluginABI`, then this build's factory,
/// whose variant scores 0 on a machine without the level, so the host never runs it there.
@_cdecl("deepbayes_backend_plugin")
public func deepbayesBackendPlugin(_ host: UInt32, _ plugin: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    BackendPluginABI.answer(host: host, plugin: plugin) { BackendPlugin(factory: CPUBackend.factory) }
}
#endif
