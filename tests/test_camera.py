"""The camera check: written video files through the real capture path, per-OS listing, replay.

Video files go through exactly what a camera goes through: the collector, the Host's
`camera_capture`, the child process (`python -m precheck.host.camera_child`), OpenCV, the frame
statistics and `decide`; only the source is a path instead of a device index. Per-OS decisions
are replayed from bundles whose capture answers were recorded from those same files.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from precheck import probes
from precheck.catalogue import load_catalogue
from precheck.host import EvidenceError, LiveHost, RecordingHost, ReplayHost, camera_child
from precheck.host.camera import camera_name, linux_devices, preview_jpeg
from precheck.host.evidence import validate_bundle
from precheck.media.frames import global_ssim, luma_plane
from precheck.model import Status
from precheck.parse.opencv_log import open_failure_cause
from precheck.parse.system_profiler_camera import camera_names
from precheck.probes import Context
from precheck.probes import camera as camera_probe
from precheck.runner import run_checks
from tests.bundles import linux_bundle, ok
from tests.conftest import need, run_precheck, sample
from tests.videos import write_clip

CLIPS: dict[str, dict[str, Any]] = {
    "moving": {"kind": "moving"},
    "black": {"kind": "black"},
    "frozen": {"kind": "frozen"},
    "dark": {"kind": "moving", "level": 30},
    "bright": {"kind": "moving", "level": 235},
    "slow": {"kind": "moving", "fps": 3.0},
    "jerky": {"kind": "moving", "fps": 10.0},
    "small": {"kind": "moving", "size": (320, 240)},
    "wakes-up": {"kind": "wakes-up"},
}


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    return {name: write_clip(folder / f"{name}.avi", **spec) for name, spec in CLIPS.items()}


def run_camera(host: Any, **options: Any) -> Any:
    return run_checks(host, load_catalogue(), only=["camera"], options=options).results[0]


@pytest.mark.parametrize(
    ("clip", "status", "code"),
    [
        ("moving", Status.PASS, "ok"),
        ("black", Status.FAIL, "black"),
        ("frozen", Status.FAIL, "frozen"),
        ("slow", Status.FAIL, "fps-too-low"),
        ("dark", Status.WARN, "too-dark"),
        ("bright", Status.WARN, "too-bright"),
        ("jerky", Status.WARN, "fps-low"),
        ("small", Status.WARN, "low-resolution"),
        ("wakes-up", Status.PASS, "ok"),  # black only during the 0.5 s warm-up
    ],
)
def test_a_video_file_through_the_camera_path(
    clips: dict[str, Path], clip: str, status: Status, code: str
) -> None:
    result = run_camera(LiveHost(), camera_source=str(clips[clip]))
    assert (result.status, result.code) == (status, code), result.facts
    facts = result.facts
    assert facts["source"] == "file" and facts["backend"] == "FFMPEG"
    # Liveness is decided on the frames of the first 1.5 s after opening (one frame later at
    # 3 fps, whose next frame arrives at 1.67 s).
    assert facts["decided_after"] <= 1.5 + 1 / CLIPS[clip].get("fps", 30.0) + 1e-6


def test_the_measured_figures_are_the_files_own(clips: dict[str, Path]) -> None:
    moving = run_camera(LiveHost(), camera_source=str(clips["moving"])).facts
    assert (moving["width"], moving["height"]) == (640, 480)
    assert moving["fps"] == pytest.approx(30, abs=0.5)
    assert moving["frames"] == 46  # 0 s … 1.5 s at 30 fps
    assert moving["black_ratio"] == 0 and moving["frozen_ratio"] == 0
    slow = run_camera(LiveHost(), camera_source=str(clips["slow"])).facts
    assert slow["fps"] == pytest.approx(3, abs=0.1)
    small = run_camera(LiveHost(), camera_source=str(clips["small"]))
    assert "320×240" in small.summary.ja and "640×480" in small.summary.ja


def test_messages_lead_with_the_verdict_not_the_figure(clips: dict[str, Path]) -> None:
    for clip in ("moving", "slow", "jerky", "small"):
        summary = run_camera(LiveHost(), camera_source=str(clips[clip])).summary
        assert summary.ja.startswith(("カメラ", "映像")), summary.ja
        assert summary.en[0].isalpha() and not summary.en[0].isdigit(), summary.en


def test_a_recorded_capture_replays_to_the_same_verdict_and_holds_numbers_only(
    clips: dict[str, Path], tmp_path: Path
) -> None:
    recorder = RecordingHost()
    live = run_camera(recorder, camera_source=str(clips["frozen"]))
    bundle_path = tmp_path / "evidence.json"
    recorder.save(bundle_path)
    bundle = json.loads(bundle_path.read_text())
    validate_bundle(bundle, "recorded")
    assert list(k for k in bundle["entries"] if k.startswith("camera:")) == [
        "camera:capture:file:frozen.avi"
    ]
    answer = bundle["entries"]["camera:capture:file:frozen.avi"]["ok"]
    assert "preview" not in answer
    assert len(bundle_path.read_bytes()) < 8_000  # numbers for 46 frames, not a picture
    replayed = run_camera(ReplayHost(bundle), camera_source=str(clips["frozen"]))
    assert (replayed.status, replayed.code, replayed.facts) == (live.status, live.code, live.facts)


def test_an_answer_holding_anything_but_numbers_is_refused() -> None:
    picture = {"opened": True, "failure": None, "backend": "V4L2", "frame": [[0, 0], [0, 0]]}
    bundle = linux_bundle({"camera:capture:0": ok(picture)})
    with pytest.raises(EvidenceError, match="camera:capture:0"):
        validate_bundle(bundle, "bundle")
    encoded = {"opened": True, "failure": None, "backend": None, "preview": "/9j/4AAQSkZJRg=="}
    with pytest.raises(EvidenceError):
        validate_bundle(linux_bundle({"camera:capture:0": ok(encoded)}), "bundle")


def test_opencv_stays_out_of_the_precheck_process(clips: dict[str, Path]) -> None:
    """Only the child loads OpenCV, and it sets the MSMF variable before it does."""
    script = (
        "import sys\n"
        "from precheck.catalogue import load_catalogue\n"
        "from precheck.host import LiveHost\n"
        "from precheck.runner import run_checks\n"
        f"r = run_checks(LiveHost(), load_catalogue(), only=['camera'], "
        f"options={{'camera_source': {str(clips['moving'])!r}}})\n"
        "print(r.results[0].code, 'cv2' in sys.modules, 'numpy' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    ).stdout.split()
    assert out == ["ok", "False", "False"]
    source = Path(camera_child.__file__).read_text()
    assert source.index('"OPENCV_VIDEOIO_MSMF_ENABLE_HW_TRANSFORMS"') < source.index("import cv2")
    assert "import cv2" not in source.split("def capture(", 1)[0]


def test_the_one_file_executable_runs_itself_as_the_child(
    clips: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Frozen, there is no `python -m`: precheck/__main__.py routes `--camera-child` instead."""
    from precheck.host import camera

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    request = {"source": str(clips["moving"]), "backends": ["FFMPEG"], "seconds": 0.2,
               "preview": False}  # fmt: skip
    command = camera.child_command(request)
    assert command[:2] == [sys.executable, "--camera-child"]
    script = (
        "import runpy, sys; sys.frozen = True; "
        f"sys.argv = ['precheck', *{command[1:]!r}]; "
        "runpy.run_module('precheck', run_name='__main__')"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    kinds = [json.loads(line)[0] for line in out.stdout.splitlines()]
    assert (out.returncode, kinds) == (0, ["start", "opened", "done"]), out.stderr


def test_the_preview_goes_to_the_caller_only(clips: dict[str, Path]) -> None:
    jpeg = preview_jpeg(str(clips["moving"]), "linux")
    assert jpeg[:3] == b"\xff\xd8\xff" and jpeg[-2:] == b"\xff\xd9"


def _camera_children() -> list[psutil.Process]:
    return [
        p
        for p in psutil.Process().children(recursive=True)
        if "precheck.host.camera_child" in " ".join(p.cmdline())
    ]


def test_a_camera_that_never_opens_is_cut_at_its_deadline(tmp_path: Path) -> None:
    """A FIFO with no writer blocks OpenCV's open() forever, as a hung driver does."""
    fifo = tmp_path / "hung-camera"
    os.mkfifo(fifo)
    spec = load_catalogue().checks["camera"]
    ctx = Context(
        thresholds={**spec.thresholds, "open_timeout_seconds": 1},
        tables=None,
        options={"camera_source": str(fifo)},
    )
    started = time.monotonic()
    facts = camera_probe.collect(LiveHost(), ctx)
    elapsed = time.monotonic() - started
    verdict = camera_probe.decide(facts, ctx)
    assert (verdict.status, verdict.code) == (Status.UNKNOWN, "open-timeout")
    assert verdict.params == {"seconds": "1"}
    assert spec.message(verdict.code, verdict.params).en.startswith("The camera did not start")
    assert elapsed < 5 + 1 + 5  # child start-up allowance + open deadline + the kill
    assert _camera_children() == [], "the hung child was killed"


def test_without_opencv_the_check_is_unknown_with_the_reason(
    clips: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The child is where OpenCV is imported: a broken install there is a reason, not a crash."""
    (tmp_path / "cv2.py").write_text("raise ImportError('no OpenCV in this test')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    result = run_camera(LiveHost(), camera_source=str(clips["moving"]))
    assert (result.status, result.code) == (Status.UNKNOWN, "unknown-missing")
    assert "opencv-python-headless" in result.summary.en


def test_this_machine_without_a_camera_says_so_quickly() -> None:
    need(
        not Path("/sys/class/video4linux").exists(),
        "this test needs a machine without cameras (no /sys/class/video4linux)",
    )
    started = time.monotonic()
    result = run_precheck("run", "--only", "camera", "--json")
    elapsed = time.monotonic() - started
    doc = json.loads(result.stdout)
    camera = doc["results"][0]
    assert (camera["status"], camera["code"]) == ("FAIL", "no-camera")
    assert camera["summary"]["en"] == "No camera was found."
    assert elapsed < 30  # no child process is started when nothing is listed


# --- Per-OS collectors, replayed ------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded_moving(clips: dict[str, Path]) -> dict[str, Any]:
    """A real capture answer (the moving clip through the child process), to place in bundles."""
    host = LiveHost()
    return host.camera_capture(
        str(clips["moving"]), system="linux", open_timeout=15.0, read_timeout=5.0, seconds=1.5
    )


def bundle_for(system: str, entries: dict[str, Any]) -> ReplayHost:
    base = linux_bundle(entries)
    base["entries"]["sys:platform"] = ok(
        {"system": system, "release": "x", "version": "x", "machine": "x86_64"}
    )
    validate_bundle(base, "test bundle")
    return ReplayHost(base)


def test_linux_opens_the_first_capture_node(recorded_moving: dict[str, Any]) -> None:
    usb = sample("linux/v4l2-ctl-list-devices-two-usb.txt").splitlines()[1].split(" (")[0]
    nodes = [
        {"index": 0, "name": usb, "capture": True, "present": True, "access": True},
        {"index": 1, "name": usb, "capture": False, "present": True, "access": True},
    ]
    host = bundle_for("linux", {"camera:list": ok(nodes), "camera:capture:0": ok(recorded_moving)})
    result = run_camera(host)
    assert (result.status, result.code) == (Status.PASS, "ok")
    assert result.facts["camera"] == "USB3.0 HD VIDEO: USB3.0 HD VIDE"
    assert result.facts["cameras"] == 1


def test_linux_node_the_user_may_not_open_is_a_permission_problem() -> None:
    nodes = [{"index": 0, "name": "Integrated Camera", "capture": True, "present": True,
              "access": False}]  # fmt: skip
    result = run_camera(bundle_for("linux", {"camera:list": ok(nodes)}))
    assert (result.status, result.code) == (Status.UNKNOWN, "permission-denied")
    assert result.remediation is not None and "video" in result.remediation.ja


@pytest.mark.parametrize(
    ("failure", "code"),
    [("busy", "busy"), ("permission", "permission-denied"), ("not-opened", "cannot-open")],
)
def test_linux_a_listed_camera_that_does_not_open(failure: str, code: str) -> None:
    nodes = [{"index": 0, "name": "C270", "capture": True, "present": True, "access": True}]
    capture = {"opened": False, "failure": failure}
    host = bundle_for("linux", {"camera:list": ok(nodes), "camera:capture:0": ok(capture)})
    result = run_camera(host)
    assert (result.status, result.code) == (Status.UNKNOWN, code)
    assert result.remediation is not None


def test_linux_sysfs_listing_reads_names_nodes_and_access(tmp_path: Path) -> None:
    usb = sample("linux/v4l2-ctl-list-devices-two-usb.txt").splitlines()[1].split(" (")[0]
    for index, node_index in ((0, "0"), (1, "1"), (10, "0")):
        sysfs = tmp_path / "sys/class/video4linux" / f"video{index}"
        sysfs.mkdir(parents=True)
        (sysfs / "name").write_text(usb + "\n")
        (sysfs / "index").write_text(node_index + "\n")
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev/video0").write_text("")
    (tmp_path / "dev/video10").write_text("")
    (tmp_path / "dev/video10").chmod(0)
    devices = linux_devices(str(tmp_path))
    assert [d["index"] for d in devices] == [0, 1, 10]
    assert [d["capture"] for d in devices] == [True, False, True]
    assert [d["present"] for d in devices] == [True, False, True]
    assert devices[0]["access"] is True and devices[0]["name"] == usb
    if os.geteuid() != 0:  # root may open anything
        assert devices[2]["access"] is False
    assert linux_devices(str(tmp_path / "nowhere")) == []


def test_windows_tries_indices_and_stops_after_two_misses() -> None:
    """The replay has no answer for index 2: asking it would stop the run with EvidenceError."""
    missing = {"opened": False, "failure": "not-opened"}
    host = bundle_for("windows", {"camera:capture:0": ok(missing), "camera:capture:1": ok(missing)})
    result = run_camera(host)
    assert (result.status, result.code) == (Status.FAIL, "no-camera")
    assert result.remediation is not None
    assert "デスクトップ アプリにカメラへのアクセスを許可する" in result.remediation.ja
    assert "Windows 10" in result.remediation.ja


def test_windows_busy_camera_is_named_from_opencvs_log() -> None:
    log = sample("windows/opencv-msmf-hw-mft-failed-start-streaming.txt")
    capture = {"opened": True, "failure": open_failure_cause(log), "frames": 0}
    result = run_camera(bundle_for("windows", {"camera:capture:0": ok(capture)}))
    assert (result.status, result.code) == (Status.UNKNOWN, "busy")
    assert result.remediation is not None and "Teams" in result.remediation.ja


def test_windows_second_index_is_used_when_the_first_is_absent(
    recorded_moving: dict[str, Any],
) -> None:
    missing = {"opened": False, "failure": "not-opened"}
    host = bundle_for(
        "windows", {"camera:capture:0": ok(missing), "camera:capture:1": ok(recorded_moving)}
    )
    result = run_camera(host)
    assert (result.status, result.code, result.facts["cameras"]) == (Status.PASS, "ok", 1)


def test_macos_lists_with_system_profiler_then_opens(recorded_moving: dict[str, Any]) -> None:
    listing = sample("macos/system_profiler-SPCameraDataType-facetime-builtin.txt")
    host = bundle_for(
        "darwin",
        {
            "cmd:system_profiler SPCameraDataType": ok({"rc": 0, "stdout": listing, "stderr": ""}),
            "camera:capture:0": ok(recorded_moving),
        },
    )
    result = run_camera(host)
    assert (result.status, result.code) == (Status.PASS, "ok")
    assert result.facts["camera"] == "FaceTime HD Camera (Built-in)"
    assert "0x8020000005ac8514" not in json.dumps(result.facts)  # the unique ID stays out


def test_macos_permission_refused_is_told_apart() -> None:
    listing = sample("macos/system_profiler-SPCameraDataType-usb-uvc.txt")
    cause = open_failure_cause(sample("macos/opencv-avfoundation-not-authorized.txt"))
    host = bundle_for(
        "darwin",
        {
            "cmd:system_profiler SPCameraDataType": ok({"rc": 0, "stdout": listing, "stderr": ""}),
            "camera:capture:0": ok({"opened": False, "failure": cause}),
        },
    )
    result = run_camera(host)
    assert (result.status, result.code) == (Status.UNKNOWN, "permission-denied")
    assert result.remediation is not None
    assert "プライバシーとセキュリティ" in result.remediation.ja


def test_no_frames_after_opening_fails() -> None:
    nodes = [{"index": 0, "name": "C270", "capture": True, "present": True, "access": True}]
    capture = {"opened": True, "failure": "read-timeout", "frames": 0, "open_seconds": 0.2}
    host = bundle_for("linux", {"camera:list": ok(nodes), "camera:capture:0": ok(capture)})
    result = run_camera(host)
    assert (result.status, result.code) == (Status.FAIL, "no-frames")


# --- Pure parts ------------------------------------------------------------------------------


def test_system_profiler_names() -> None:
    assert camera_names(sample("macos/system_profiler-SPCameraDataType-usb-uvc.txt")) == [
        "SVBONY SV205"
    ]
    assert camera_names("") == []


def test_opencv_log_causes_from_real_logs() -> None:
    assert open_failure_cause(sample("macos/opencv-avfoundation-not-authorized.txt")) == (
        "permission"
    )
    assert open_failure_cause(sample("linux/opencv-v4l2-busy.txt")) == "busy"
    windows = sample("windows/opencv-msmf-hw-mft-failed-start-streaming.txt")
    assert open_failure_cause(windows) == "busy"
    # E_PENDING says nothing about the cause: precheck does not pretend to know it.
    assert open_failure_cause(sample("windows/opencv-msmf-grab-e-pending.txt")) is None


@given(st.text(max_size=3000))
@settings(max_examples=200, deadline=None)
def test_parsers_never_raise(text: str) -> None:
    names = camera_names(text)
    assert len(names) <= 16
    assert open_failure_cause(text) in (None, "busy", "permission")


@given(st.text(max_size=2000))
@settings(max_examples=100, deadline=None)
def test_parsers_never_raise_on_a_cut_real_output(tail: str) -> None:
    listing = sample("macos/system_profiler-SPCameraDataType-facetime-builtin.txt")
    for cut in range(0, len(listing), 17):
        camera_names(listing[:cut] + tail)


def test_parsers_are_fast_on_a_mebibyte() -> None:
    big = ("    Camera:\n" + "      Some Camera:\n        Model ID: x\n" * 40_000)[: 1 << 20]
    started = time.monotonic()
    camera_names(big)
    open_failure_cause(big)
    assert time.monotonic() - started < 1.0


def test_a_phone_camera_loses_its_owners_name() -> None:
    assert camera_name("Hanako's iPhone Camera") == "iPhone Camera"
    assert camera_name("花子のiPhoneのカメラ") == "iPhoneのカメラ"
    assert camera_name("x" * 300).endswith("…") and len(camera_name("x" * 300)) == 61


def test_ssim_is_one_for_the_same_frame_and_low_for_a_moved_texture(
    clips: dict[str, Path],
) -> None:
    import cv2

    capture = cv2.VideoCapture(str(clips["moving"]))
    frames = [capture.read()[1] for _ in range(2)]
    capture.release()
    a, b = (luma_plane(f) for f in frames)
    assert global_ssim(a, a) == pytest.approx(1.0)
    assert global_ssim(a, b) < 0.985
    assert a.shape[1] <= 320


def test_the_camera_probe_is_registered() -> None:
    assert probes.PROBES["camera"] == "precheck.probes.camera"
