def test_tasks_backend_is_immediate_in_tests(settings):
    assert "Immediate" in settings.TASKS["default"]["BACKEND"]
