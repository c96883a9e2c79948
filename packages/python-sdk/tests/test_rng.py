"""The Python generator gives the TypeScript one's numbers (values printed by @maze-sim/maze's createRng)."""

import unittest

from maze_sim_agent import create_rng

# seed: [nextUint32() x3, int(4), int(1000), float()], from packages/maze/src/rng.ts.
EXPECTED = {
    0: [4205396811, 3543653536, 1222415357, 2, 90, 0.5834812228567898],
    1: [1828152527, 3394835397, 2967886022, 2, 965, 0.9442867799662054],
    42: [1028872839, 2516511472, 400437680, 0, 447, 0.8355816230177879],
    4294967295: [1413747962, 91561161, 3282502067, 2, 872, 0.8949119262397289],
    123456789: [2230556110, 1356862853, 2315437121, 2, 274, 0.8343917087186128],
}


class CreateRngTest(unittest.TestCase):
    def test_same_stream_as_typescript(self) -> None:
        for seed, expected in EXPECTED.items():
            with self.subTest(seed=seed):
                r = create_rng(seed)
                got = [r.next_uint32(), r.next_uint32(), r.next_uint32(), r.int(4), r.int(1000), r.float()]
                self.assertEqual(got, expected)

    def test_only_the_low_32_bits_of_the_seed(self) -> None:
        self.assertEqual(create_rng(2**32 + 42).next_uint32(), create_rng(42).next_uint32())

    def test_int_is_in_range(self) -> None:
        r = create_rng(7)
        self.assertTrue(all(0 <= r.int(3) < 3 for _ in range(10_000)))


if __name__ == "__main__":
    unittest.main()
