"""``{% extends %}`` that finds the root template's blocks once per compiled template.

Django's ``ExtendsNode.render`` walks the root parent's whole node tree on every render to
collect its ``{% block %}`` nodes (``get_nodes_by_type``): for ``web/base.html`` some thousand
node visits per page, about a twentieth of a signed-in wallet page's CPU (issue #16). A
compiled template never changes its nodes, so the map of its blocks is kept on the compiled
template object itself: a template compiled again (a template edit under ``DEBUG``, a cleared
loader cache) is a new object and is walked again. Everything else is Django's own code path:
the parent is looked up on every render as before (``{% extends variable %}`` included), the
blocks go into the same block context, and the parent renders with the same context.

The engine loads this library as a builtin after Django's (``TEMPLATES`` ``builtins``), so
this ``extends`` replaces Django's in every template; the node stays an ``ExtendsNode``.
"""

from __future__ import annotations

from django import template
from django.template.base import Parser, TextNode, Token
from django.template.base import Template as CompiledTemplate
from django.template.context import Context
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    do_extends,
)
from django.utils.safestring import SafeString

register = template.Library()

_ROOT_BLOCKS = "_walletdesk_root_blocks"


def root_blocks(parent: CompiledTemplate) -> dict[str, BlockNode] | None:
    """The blocks of ``parent`` by name when it is a root template (extends nothing), else
    None; found once per compiled template."""
    try:
        return getattr(parent, _ROOT_BLOCKS)  # type: ignore[no-any-return]
    except AttributeError:
        pass
    blocks: dict[str, BlockNode] | None = None
    for node in parent.nodelist:
        # As Django: the ExtendsNode has to be the first non-text node.
        if not isinstance(node, TextNode):
            if not isinstance(node, ExtendsNode):
                found: list[BlockNode] = parent.nodelist.get_nodes_by_type(BlockNode)  # type: ignore[assignment]
                blocks = {n.name: n for n in found}
            break
    setattr(parent, _ROOT_BLOCKS, blocks)
    return blocks


class ExtendsOnceNode(ExtendsNode):
    def render(self, context: Context) -> SafeString:
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        blocks = root_blocks(compiled_parent)
        if blocks is not None:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)  # type: ignore[attr-defined,no-any-return]


@register.tag("extends")
def do_extends_once(parser: Parser, token: Token) -> ExtendsOnceNode:
    node = do_extends(parser, token)
    return ExtendsOnceNode(node.nodelist, node.parent_name)
