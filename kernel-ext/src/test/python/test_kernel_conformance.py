"""Jupyter's own kernel conformance suite (jupyter_kernel_test) run against the slimkit kernel.

Run: python3 -m unittest -v test_kernel_conformance   (the kernelspec 'slimkit' must be installed)
"""
import unittest
import jupyter_kernel_test


class SlimkitKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "slimkit"
    language_name = "java"
    file_extension = ".jshell"

    code_hello_world = 'System.out.println("hello, world");'
    code_stderr = 'System.err.println("oops");'
    completion_samples = [{"text": "Math.ab", "matches": {"abs(", "absExact("}}]
    complete_code_samples = ["1 + 1;", "int x = 3;", "%slimkit"]
    incomplete_code_samples = ["for (int i = 0; i < 3; i++) {", "Slim.model(\"mlp\","]
    invalid_code_samples = ["}"]
    code_generate_error = 'throw new RuntimeException("boom");'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "\"slim\" + \"kit\"", "result": "slimkit"},
        {"code": "Slim.model(\"mlp\").classes(10).build().spec().classes()", "result": "10"},
    ]
    code_display_data = [
        {"code": "display(TrainingCharts.trainingCurves(new History(), \"empty\"));", "mime": "image/png"},
        {"code": "%slimkit", "mime": "text/html"},
    ]
    code_history_pattern = "6 *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.abs"


if __name__ == "__main__":
    unittest.main()
