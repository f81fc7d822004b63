// Philox4x32-10 (Salmon et al., SC'11), shared by random.cl and bayes.cl; bit-identical to
// `Philox.block` in Sources/DeepBayesCore/Philox.swift. Element i of a random tensor uses
// block first_block + i / 4, lane i % 4, with key = seed (lo, hi) and counter = (block lo, block hi,
// stream lo, stream hi).

// The words of the four blocks block .. block+3 of `stream` under `seed`, in block order (lane l
// is word l % 4 of block block + l / 4): ten rounds of the Philox 4x32 bijection, run on the
// four counters at once with each counter word held across the blocks in a uint4.
uint16 philox_words16(ulong seed, ulong stream, ulong block) {
    ulong4 blocks = block + (ulong4)(0, 1, 2, 3);
    uint4 x = convert_uint4(blocks), y = convert_uint4(blocks >> 32);
    uint4 z = (uint4)((uint)stream), w = (uint4)((uint)(stream >> 32));
    uint2 k = (uint2)((uint)seed, (uint)(seed >> 32));
    for (int round = 0; round < 10; ++round) {
        if (round > 0) k += (uint2)(0x9E3779B9u, 0xBB67AE85u);
        uint4 hi0 = mul_hi((uint4)0xD2511F53u, x), lo0 = 0xD2511F53u * x;
        uint4 hi1 = mul_hi((uint4)0xCD9E8D57u, z), lo1 = 0xCD9E8D57u * z;
        x = hi1 ^ y ^ k.x;
        y = lo1;
        z = hi0 ^ w ^ k.y;
        w = lo0;
    }
    uint8 xy = shuffle2(x, y, (uint8)(0, 4, 1, 5, 2, 6, 3, 7)), zw = shuffle2(z, w, (uint8)(0, 4, 1, 5, 2, 6, 3, 7));
    return shuffle2(xy, zw, (uint16)(0, 1, 8, 9, 2, 3, 10, 11, 4, 5, 12, 13, 6, 7, 14, 15));
}

// Uniforms in (0, 1]: ((x >> 8) + 1) * 2^-24 for each word of philox_words16.
float16 philox_uniform16(ulong seed, ulong stream, ulong block) {
    return convert_float16((philox_words16(seed, stream, block) >> 8) + 1u) * 0x1p-24f;
}

// Sixteen standard normals from the uniforms of philox_uniform16, by Box-Muller on each lane
// pair (2p, 2p+1), written exactly as the CPU backend does: r = sqrt(-2 log u0),
// theta = 2pi u1, (r cos theta, r sin theta); all eight pairs at once as vectors.
float16 philox_normal16(ulong seed, ulong stream, ulong block) {
    float16 u = philox_uniform16(seed, stream, block);
    float8 r = sqrt(-2.0f * log(u.even)), theta = 6.2831855f * u.odd;
    return shuffle2(r * cos(theta), r * sin(theta), (uint16)(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15));
}
