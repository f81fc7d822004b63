import DeepBayesCore

/// Test fixture: a plugin built against a newer SDK. It answers the handshake with a tag whose
/// SDK version is one above the host's and returns nothing, as a mismatched plugin must.
@_cdecl("deepbayes_backend_plugin")
public func deepbayesBackendPlugin(_ host: UInt32, _ plugin: UnsafeMutablePointer<UInt32>) -> UnsafeMutableRawPointer? {
    plugin.pointee = (BackendPluginABI.sdkVersion + 1) << 16 | (BackendPluginABI.tag & 0xffff)
    return nil
}
