import DeepBayesCore

/// Stands for the `BackendPlugin` class of a second copy of the SDK: a plugin that linked
/// static DeepBayes libraries hands the host an object of a class the host does not know.
final class ForeignBackendPlugin {}

/// Test fixture: a plugin that passes the handshake but returns an object that is not this
/// process's `BackendPlugin`.
@_cdecl("deepbayes_backend_plugin")
public func deepbayesBackendPlugin(_ host: UInt32, _ plugin: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    plugin.pointee = BackendPluginABI.tag
    return host == BackendPluginABI.tag ? Unmanaged.passRetained(ForeignBackendPlugin()).toOpaque() : nil
}
