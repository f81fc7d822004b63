#if DEEPBAYES_BACKEND_PLUGIN
import DeepBayesCore

/// The plugin entry point, compiled only into the plugin build of this backend
/// (`libdeepbayes-backend-opencl.so`): the handshake of `BackendPluginABI`, then the factory.
@_cdecl("deepbayes_backend_plugin")
public func deepbayesBackendPlugin(_ host: UInt32, _ plugin: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    BackendPluginABI.answer(host: host, plugin: plugin) { BackendPlugin(factory: OpenCLBackend.factory) }
}
#endif
