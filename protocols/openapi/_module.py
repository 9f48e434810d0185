"""One generated Python module: its imports, its definitions, and its text."""

from __future__ import annotations

from ._source import GENERATED_HEADER, Namespace, docstring, relative_import

__all__ = ["Module", "from_line"]

#: Names every generated module may bind from ``typing``.
TYPING_NAMES = frozenset(
    {
        "TYPE_CHECKING",
        "Any",
        "ClassVar",
        "Dict",
        "List",
        "Literal",
        "Optional",
        "Required",
        "TypeAlias",
        "TypedDict",
        "Union",
        "overload",
    }
)
_PRELUDE = TYPING_NAMES | {"annotations", "msgspec", "typing_extensions", "httpx"}


class Module:
    """A module under the ``oaitrio`` package, built up definition by definition.

    ``path`` is the module's dotted path below ``oaitrio`` split into parts
    (``("types", "chat", "chat_completion")``; a package's own module ends in
    ``"__init__"``; a standard-library module is ``("", "collections.abc")``).
    :meth:`use` binds a name from another module and returns
    the local name to write; names imported only for annotations go under
    ``if TYPE_CHECKING:``.
    """

    def __init__(self, path: tuple[str, ...], doc: str | None = None) -> None:
        self.path = path
        self.doc = doc
        self.names = Namespace(set(_PRELUDE))
        self.typing: set[str] = set()
        self.blocks: list[str] = []
        self.exports: list[str] = []
        self._imports: dict[tuple[tuple[str, ...], str], str] = {}
        self._runtime: set[tuple[tuple[str, ...], str]] = set()
        self._plain_imports: set[str] = set()

    @property
    def package(self) -> tuple[str, ...]:
        return self.path[:-1]

    def use(self, target: tuple[str, ...], name: str, *, runtime: bool = True) -> str:
        """Bind ``name`` from module ``target`` here; returns the local name."""
        key = (target, name)
        if target == self.path:
            return name
        local = self._imports.get(key)
        if local is None:
            local = self.names.claim(name)
            self._imports[key] = local
        if runtime:
            self._runtime.add(key)
        return local

    def binds(self, target: tuple[str, ...], name: str) -> bool:
        """Whether ``name`` of module ``target`` is already bound here at run time."""
        return target == self.path or (target, name) in self._runtime

    def runtime_imports(self) -> set[tuple[tuple[str, ...], str]]:
        """``(module, name)`` of every name bound here at run time by an import."""
        return set(self._runtime)

    def typing_name(self, name: str) -> str:
        self.typing.add(name)
        return name

    def import_module(self, name: str) -> None:
        """A plain ``import name`` (``msgspec``, ``httpx``)."""
        self._plain_imports.add(name)

    def add(self, block: str, export: str | None = None) -> None:
        self.blocks.append(block)
        if export is not None:
            self.exports.append(export)

    def render(self) -> str:
        """The module's text, with imports grouped and sorted as ruff's isort wants them."""
        out = [GENERATED_HEADER]
        if self.doc:
            out.append(docstring(self.doc, ""))
        out.append("\nfrom __future__ import annotations\n\n")
        typing_names = set(self.typing)
        type_only = [key for key in self._imports if key not in self._runtime]
        if type_only:
            typing_names.add("TYPE_CHECKING")
        runtime = [key for key in self._imports if key in self._runtime]
        standard = [f"import {name}\n" for name in sorted(self._plain_imports - _THIRD_PARTY)]
        if typing_names:
            standard.append(from_line("typing", sorted(typing_names, key=_name_order), ""))
        standard += self._import_lines([k for k in runtime if k[0][0] == ""], "")
        groups = [
            standard,
            [f"import {name}\n" for name in sorted(self._plain_imports & _THIRD_PARTY)],
            self._import_lines([k for k in runtime if k[0][0] != ""], ""),
        ]
        out.append("\n".join("".join(group) for group in groups if group))
        if type_only:
            inner = [
                self._import_lines([k for k in type_only if k[0][0] == ""], "    "),
                self._import_lines([k for k in type_only if k[0][0] != ""], "    "),
            ]
            out.append("\nif TYPE_CHECKING:\n" + "\n".join("".join(g) for g in inner if g))
        if self.exports:
            names = ", ".join(f'"{name}"' for name in sorted(self.exports))
            out.append(f"\n__all__ = [{names}]\n")
        for n, block in enumerate(self.blocks):
            # One blank line between the imports and a first statement that is
            # neither a class nor a function (an SDK alias), two otherwise.
            plain = n == 0 and not self.exports and not block.startswith(("class ", "def ", "@"))
            out.append(("\n" if plain else "\n\n") + block)
        return "".join(out)

    def _import_lines(self, keys: list[tuple[tuple[str, ...], str]], indent: str) -> list[str]:
        by_source: dict[str, list[str]] = {}
        for target, name in keys:
            local = self._imports[(target, name)]
            source = target[1] if target[0] == "" else relative_import(self.package, target)
            alias = "" if local == name else f" as {local}"
            by_source.setdefault(source, []).append(name + alias)
        lines: list[str] = []
        for source, names in sorted(by_source.items()):
            # As ruff's isort has it: the plain names in one statement, each
            # renamed one in its own, the statements in the order of their first name.
            plain = sorted((n for n in names if " as " not in n), key=_name_order)
            statements = [[n] for n in names if " as " in n] + ([plain] if plain else [])
            statements.sort(key=lambda statement: _name_order(statement[0]))
            lines += [from_line(source, statement, indent) for statement in statements]
        return lines


_THIRD_PARTY = frozenset({"httpx", "msgspec", "trio"})
_LINE_LENGTH = 100


def _name_order(name: str) -> tuple[int, str]:
    """isort's order by type: CONSTANTS, then Classes, then everything else."""
    bare = name.split(" as ")[0]
    if bare.isupper() and len(bare) > 1:
        return (0, name)
    return (1 if bare[:1].isupper() else 2, name)


def from_line(source: str, names: list[str], indent: str) -> str:
    line = f"{indent}from {source} import {', '.join(names)}\n"
    if len(line) - 1 <= _LINE_LENGTH:
        return line
    inner = "".join(f"{indent}    {name},\n" for name in names)
    return f"{indent}from {source} import (\n{inner}{indent})\n"
