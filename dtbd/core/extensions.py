"""Extension points between apps.

The apps are layered (docs/decisions/0002-app-layers.md): an app imports only the apps below it. Where a page of a
lower app shows what an upper app knows (the unit page shows the unit's staff, the staff page their standing against
the standards), the lower app declares a `Hook` and the upper app registers its contribution from its
`AppConfig.ready`. The lower app calls the hook without knowing who answers.
"""


class Hook:
    """A named list of functions contributed by other apps, called in registration order."""

    def __init__(self, name, doc=""):
        self.name = name
        self.__doc__ = doc
        self._functions = []

    def register(self, function):
        """Add `function` (once: AppConfig.ready may run twice). Returns it, so it can decorate."""
        if function not in self._functions:
            self._functions.append(function)
        return function

    def __iter__(self):
        return iter(list(self._functions))

    def __bool__(self):
        return bool(self._functions)

    def only(self):
        """The single function registered (for a hook that needs exactly one provider)."""
        if len(self._functions) != 1:
            raise LookupError(f"{self.name}: {len(self._functions)} functions registered, exactly one expected")
        return self._functions[0]

    def __repr__(self):
        return f"<Hook {self.name}: {len(self._functions)}>"
