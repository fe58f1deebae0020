"""Tests of nbfigures.py: timings are ignored, any other changed figure is reported."""
import unittest

import nbfigures


def notebook(*texts):
    return {"cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"text/plain": t}}]}
                      for t in texts]}


class NbFiguresTest(unittest.TestCase):

    def test_timings_differ_but_figures_agree(self):
        before = notebook("test accuracy | 0.7133 |\nlatency ms batch 1 | 0.363 |", "trim → m (6.0 s)")
        after = notebook("test accuracy | 0.7133 |\nlatency ms batch 1 | 0.343 |", "trim → m (5.1 s)")
        self.assertEqual([], nbfigures.differences(before, after))

    def test_timing_columns_of_a_table_are_ignored(self):
        table = " model | MACs | ms batch 1 (IQR) | speed-up | accuracy |\n----------\n cnn | 42 | {} | {} | 0.796 |"
        self.assertEqual([], nbfigures.differences(notebook(table.format("0.363 (0.091)", "1.98×")),
                                                   notebook(table.format("0.343 (0.095)", "2.03×"))))
        self.assertEqual(1, len(nbfigures.differences(notebook(table.format("0.3", "2×")),
                                                      notebook(table.format("0.3", "2×").replace("0.796", "0.797")))))

    def test_a_changed_accuracy_is_reported(self):
        diffs = nbfigures.differences(notebook("test accuracy | 0.7133 |"), notebook("test accuracy | 0.7134 |"))
        self.assertEqual([((0, "test accuracy | 0.7133 |"), (0, "test accuracy | 0.7134 |"))], diffs)

    def test_a_missing_line_is_reported(self):
        diffs = nbfigures.differences(notebook("params 10\nMACs 20"), notebook("params 10"))
        self.assertEqual(((-1, "2 figure lines"), (-1, "1 figure lines")), diffs[-1])


if __name__ == "__main__":
    unittest.main()
