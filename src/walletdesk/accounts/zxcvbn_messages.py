"""zxcvbn's feedback strings, listed so that makemessages puts them in our catalogue."""

from django.utils.translation import gettext_noop

MESSAGES = [
    gettext_noop('A word by itself is easy to guess.'),
    gettext_noop('Add another word or two. Uncommon words are better.'),
    gettext_noop("All-uppercase is almost as easy to guess as all-lowercase."),
    gettext_noop('Avoid dates and years that are associated with you.'),
    gettext_noop('Avoid recent years.'),
    gettext_noop('Avoid repeated words and characters.'),
    gettext_noop('Avoid sequences.'),
    gettext_noop('Avoid years that are associated with you.'),
    gettext_noop("Capitalization doesn't help very much."),
    gettext_noop('Common names and surnames are easy to guess.'),
    gettext_noop('Dates are often easy to guess.'),
    gettext_noop('Names and surnames by themselves are easy to guess.'),
    gettext_noop('No need for symbols, digits, or uppercase letters.'),
    gettext_noop("Predictable substitutions like '@' instead of 'a' don't help very much."),
    gettext_noop('Recent years are easy to guess.'),
    gettext_noop('Repeats like "aaa" are easy to guess.'),
    gettext_noop('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    gettext_noop("Reversed words aren't much harder to guess."),
    gettext_noop('Sequences like "abc" or "6543" are easy to guess.'),
    gettext_noop('Short keyboard patterns are easy to guess.'),
    gettext_noop('Straight rows of keys are easy to guess.'),
    gettext_noop('This is a top-10 common password.'),
    gettext_noop('This is a top-100 common password.'),
    gettext_noop('This is a very common password.'),
    gettext_noop('This is similar to a commonly used password.'),
    gettext_noop('Use a few words, avoid common phrases.'),
    gettext_noop('Use a longer keyboard pattern with more turns.'),
]
