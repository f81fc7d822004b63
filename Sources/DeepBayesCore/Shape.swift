/// The dimensions of a tensor, outermost first (row-major: the last dimension is contiguous).
///
/// Images are `[batch, channels, height, width]` (NCHW), matrices `[rows, columns]`, and a
/// scalar is `[]` with one element.
public struct Shape: Hashable, Sendable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The size of each dimension.
    public let dimensions: [Int]

    /// Creates a shape from dimensions the program itself chose; a dimension below 1 is a
    /// programming error and traps. Dimensions that come from users or files go through
    /// `validated(_:for:)`, which throws instead.
    public init(_ dimensions: [Int]) {
        precondition(dimensions.allSatisfy { $0 >= 1 }, "Shape dimensions must be positive: \(dimensions)")
        self.dimensions = dimensions
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// Checks user-supplied dimensions, throwing instead of trapping on a zero or negative one.
    public static func validated(_ dimensions: [Int], for operation: String) throws -> Shape {
        guard dimensions.allSatisfy({ $0 >= 1 }) else {
            throw DeepBayesError.invalidArgument(operation: operation, reason: "dimensions must be positive, got \(dimensions)")
        }
        return Shape(dimensions)
    }

    /// The shape of a single number.
    public static let scalar = Shape([])

    /// The number of dimensions.
    public var rank: Int { dimensions.count }

    /// The number of elements (1 for a scalar).
    public var count: Int { dimensions.reduce(1, *) }

    /// The size of dimension `axis`.
    public subscript(axis: Int) -> Int { dimensions[axis] }

    /// The product of the dimensions after `axis`: the distance between consecutive indices of `axis`.
    public func stride(of axis: Int) -> Int { dimensions[(axis + 1)...].reduce(1, *) }

    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }
}
