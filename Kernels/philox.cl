// Philox4x32-10 (Salmon et al., SC'11), shared by random.cl and bayes.cl; bit-identical to
// `Philox.block` in Sources/DeepBayesCore/Philox.swift. Element i of a random tensor uses
// block first_block + i / 4, lane i % 4, with key = seed (lo, hi) and counter = (block lo, block hi,
// stream lo, stream hi).

// Ten rounds of the Philox 4x32 bijection of `c` under key `k`.
uint4 philox4x32_10(uint4 c, uint2 k) {
    for (int round = 0; round < 10; ++round) {
        if (round > 0) k += (uint2)(0x9E3779B9u, 0xBB67AE85u);
        uint hi0 = mul_hi(0xD2511F53u, c.x), lo0 = 0xD2511F53u * c.x;
        uint hi1 = mul_hi(0xCD9E8D57u, c.z), lo1 = 0xCD9E8D57u * c.z;
        c = (uint4)(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    }
    return c;
}

// The four words of block `block` of `stream` under `seed`.
uint4 philox_words(ulong seed, ulong stream, ulong block) {
    return philox4x32_10((uint4)((uint)block, (uint)(block >> 32), (uint)stream, (uint)(stream >> 32)),
                         (uint2)((uint)seed, (uint)(seed >> 32)));
}

// Uniforms in (0, 1]: ((x >> 8) + 1) * 2^-24 for each word.
float4 philox_uniform4(ulong seed, ulong stream, ulong block) {
    uint4 x = philox_words(seed, stream, block);
    return convert_float4((x >> 8) + 1u) * 0x1p-24f;
}

// Four standard normals by Box-Muller on lanes (0, 1) and (2, 3), written exactly as the CPU
// backend does: r = sqrt(-2 log u0), theta = 2pi u1, (r cos theta, r sin theta).
float4 philox_normal4(ulong seed, ulong stream, ulong block) {
    float4 u = philox_uniform4(seed, stream, block);
    float r0 = sqrt(-2.0f * log(u.x)), theta0 = 6.2831855f * u.y;
    float r1 = sqrt(-2.0f * log(u.z)), theta1 = 6.2831855f * u.w;
    return (float4)(r0 * cos(theta0), r0 * sin(theta0), r1 * cos(theta1), r1 * sin(theta1));
}

// Lane `lane` (0..3) of a float4.
float lane_of(float4 v, int lane) {
    return lane == 0 ? v.x : lane == 1 ? v.y : lane == 2 ? v.z : v.w;
}
