/** Throws while loading, with escape sequences in its message (a window title, a cleared screen, a bell). */
throw new Error("cannot load \u001b]0;pwned\u0007\u001b[2J\u001b[31mred");
