import DeepBayesCore
@testable import DeepBayesOpenCL
import Foundation
import Testing

/// The on-disk cache of built program binaries (`ProgramCache` with a `DeviceCacheFolder`), on
/// the OpenCL device here (PoCL under CI; skipped with `TestBackends`' loud warning without
/// one). Each test restarts by making new runtimes on a temporary folder of its own: the first
/// builds from source and writes the binary, later ones must load it, and give the same
/// results, unless the identity differs or the file is damaged.
@Suite struct ProgramBinaryCacheTests {
    /// The device the suite runs on.
    static let device: OpenCLDevice? = (TestBackends.available["opencl"] as? OpenCLBackend)?.runtime.device

    /// Inputs of the kernel the tests run (`unary` of `elementwise.cl`).
    static let input: [Float] = (0 ..< 37).map { Float($0) * 0.25 - 4 }

    /// A restart: a new runtime (context, queue, program cache) on `device` and `folder`, the
    /// `elementwise` program built by running `sigmoid` on `input`; returns how the program was
    /// obtained and the output.
    static func run(on device: OpenCLDevice, folder: DeviceCacheFolder) throws -> (origin: ProgramCache.Origin?, output: [Float]) {
        let backend = OpenCLBackend(runtime: try OpenCLRuntime(device: device, cacheFolder: folder))
        let output = try backend._unary(.sigmoid, backend._upload(input, shape: [input.count])).toArray()
        return (backend.programs.origin(of: .elementwise), output)
    }

    /// The binary files in `folder`.
    static func binaryFiles(_ folder: DeviceCacheFolder) -> [URL] {
        ((try? FileManager.default.contentsOfDirectory(at: folder.url, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.lastPathComponent.hasPrefix("program-") && $0.pathExtension == "bin" }
    }

    @Test(.enabled(if: device != nil, "no OpenCL device here"))
    func aRestartLoadsTheBinaryAndComputesTheSameResult() throws {
        let (folder, root) = try DeviceCacheFolder.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try Self.run(on: Self.device!, folder: folder)
        #expect(first.origin == .source)
        #expect(Self.binaryFiles(folder).count == 1)
        let second = try Self.run(on: Self.device!, folder: folder)
        #expect(second.origin == .binary)
        #expect(second.output == first.output)
        #expect(zip(first.output, Self.input).allSatisfy { abs($0 - 1 / (1 + exp(-$1))) <= 1e-6 })
    }

    @Test(.enabled(if: device != nil, "no OpenCL device here"))
    func anotherDriverDoesNotReuseTheBinary() throws {
        let (folder, root) = try DeviceCacheFolder.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        let device = Self.device!
        let upgraded = OpenCLDevice(id: device.id, platformName: device.platformName, name: device.name, type: device.type,
                                    computeUnits: device.computeUnits, globalMemoryBytes: device.globalMemoryBytes,
                                    maximumAllocationBytes: device.maximumAllocationBytes,
                                    maximumWorkGroupSize: device.maximumWorkGroupSize, localMemoryBytes: device.localMemoryBytes, version: device.version,
                                    driverVersion: device.driverVersion + " (upgraded)", singleFloatConfig: device.singleFloatConfig)
        let original = try Self.run(on: device, folder: folder)
        let other = try Self.run(on: upgraded, folder: folder)
        #expect(original.origin == .source)
        #expect(other.origin == .source, "a binary built under another identity was reused")
        #expect(other.output == original.output)
        #expect(Self.binaryFiles(folder).count == 2)
    }

    @Test(.enabled(if: device != nil, "no OpenCL device here"),
          arguments: ["garbage", "truncated", "empty", "wrong key", "trailing bytes"])
    func aDamagedFileIsIgnoredAndRewritten(damage: String) throws {
        let (folder, root) = try DeviceCacheFolder.temporary()
        defer { try? FileManager.default.removeItem(at: root) }
        let built = try Self.run(on: Self.device!, folder: folder)
        let file = try #require(Self.binaryFiles(folder).first)
        let good = try Data(contentsOf: file)
        let magicAndKeyLength = ProgramBinaryFile.magic.count + 8
        let keyLength = Int(good[magicAndKeyLength - 8 ..< magicAndKeyLength].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let binary = good.suffix(from: magicAndKeyLength + keyLength + 8)
        let damaged: Data = switch damage {
        case "garbage": Data((0 ..< 4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })
        case "truncated": good.prefix(good.count / 2)
        case "empty": Data()
        case "wrong key": ProgramBinaryFile.contents(key: "device: elsewhere\noptions: \nsource:\n", binary: Data(binary))
        default: good + Data([0])
        }
        try damaged.write(to: file)

        let rebuilt = try Self.run(on: Self.device!, folder: folder)
        #expect(rebuilt.origin == .source, "\(damage): the damaged file was trusted")
        #expect(rebuilt.output == built.output)
        #expect(try Data(contentsOf: file) != damaged, "\(damage): the file was not rewritten")
        #expect(try Self.run(on: Self.device!, folder: folder).origin == .binary)
    }

    @Test func theFileFormatAcceptsOnlyItsOwnKey() {
        let binary = Data([1, 2, 3, 0, 255])
        let file = ProgramBinaryFile.contents(key: "k", binary: binary)
        #expect(ProgramBinaryFile.binary(in: file, key: "k") == binary)
        #expect(ProgramBinaryFile.binary(in: file, key: "K") == nil)
        #expect(ProgramBinaryFile.binary(in: file.dropLast(), key: "k") == nil)
        #expect(ProgramBinaryFile.binary(in: ProgramBinaryFile.contents(key: "k", binary: Data()), key: "k") == nil)
        var hugeLength = file
        hugeLength.replaceSubrange(hugeLength.count - binary.count - 8 ..< hugeLength.count - binary.count,
                                   with: Data(repeating: 0xff, count: 8))
        #expect(ProgramBinaryFile.binary(in: hugeLength, key: "k") == nil)
    }
}
