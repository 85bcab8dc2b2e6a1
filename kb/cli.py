"""The `kb` command: the composition root.

It names every subcommand and the module that implements it, and imports that module only when
the subcommand runs, so `kb --help` is instant and `kb reindex` never loads Flask. Errors are
translated here, once: a KbError becomes a message and an exit code, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    module: str
    help: str


#: Every subcommand; README's CLI section is checked against this list by a test.
COMMANDS: tuple[Command, ...] = (
    Command("reindex", "indexer.commands.reindex", "index the archive (incremental, atomic)"),
    Command("search", "kb.commands.search", "search the index from the terminal"),
    Command("check", "indexer.commands.check", "was this paper/project/draft covered before?"),
    Command("export", "indexer.commands.export", "write every record as JSON lines or CSV"),
    Command("stats", "indexer.commands.stats", "issues, records per section, companies, warnings"),
    Command("serve", "web.commands.serve", "run the web front end (production WSGI server)"),
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description="Search the 嵌入式AI简报 (Embedded AI Report) archive.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for cmd in COMMANDS:
        sub.add_parser(cmd.name, help=cmd.help, add_help=False)
    return parser


def common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="FILE", help="config file (default: ./kb.yaml if present)")
    parser.add_argument("--index", metavar="DIR", help="index folder (default: data/index)")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    top = _parser()
    if not argv or argv[0] in ("-h", "--help"):
        top.print_help()
        return 0 if argv else 2
    if argv[0] in ("-V", "--version"):
        from kb import __version__

        print(f"kb {__version__}")
        return 0
    command = next((c for c in COMMANDS if c.name == argv[0]), None)
    if command is None:
        top.error(f"unknown command {argv[0]!r} (choose from {', '.join(c.name for c in COMMANDS)})")
    from kb.errors import KbError

    try:
        module = importlib.import_module(command.module)
        parser = argparse.ArgumentParser(prog=f"kb {command.name}", description=command.help)
        common_options(parser)
        module.configure(parser)
        args = parser.parse_args(argv[1:])
        return int(module.run(args) or 0)
    except KbError as exc:
        print(f"kb {command.name}: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"kb {command.name}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # the one place an unexpected error is turned into a message
        if os.environ.get("KB_DEBUG"):
            raise
        print(
            f"kb {command.name}: internal error: {type(exc).__name__}: {exc}\n"
            "(set KB_DEBUG=1 for the traceback and please report it)",
            file=sys.stderr,
        )
        return 70


def load(args: argparse.Namespace):
    """The Config for a subcommand's parsed arguments (--config, --index applied)."""
    from pathlib import Path

    from kb.config import load_config

    config = load_config(args.config)
    if getattr(args, "index", None):
        config = config.replace(index=Path(args.index).resolve())
    return config


if __name__ == "__main__":
    sys.exit(main())
